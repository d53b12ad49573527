// RunTls: the shared client context of a run, from --ca or the system store, or --insecure.
#include "run_tls.hpp"

#include <stdexcept>

#include "tls_client.hpp"

namespace xiaozhi::simulator {

RunTls::RunTls(const SimulationOptions& options)
    : ca_file_(options.ca_file), insecure_(options.insecure) {}

RunTls::~RunTls() = default;

boost::asio::ssl::context* RunTls::context() {
    std::call_once(made_, [this] {
        try {
            context_ = std::make_unique<boost::asio::ssl::context>(
                client::make_tls_client_context(client::TlsTrust{ca_file_, insecure_}));
        } catch (const std::exception& failure) {
            error_ = failure.what();
        }
    });
    return context_.get();
}

std::string tls_trust_problem(const SimulationOptions& options) {
    if (options.ca_file.empty() || options.insecure) return {};
    try {
        client::make_tls_client_context(client::TlsTrust{options.ca_file, false});
    } catch (const std::exception& failure) {
        return failure.what();
    }
    return {};
}

}  // namespace xiaozhi::simulator
