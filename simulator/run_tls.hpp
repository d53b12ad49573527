// The TLS client context a run's devices share, made on first use: a run that meets no https://
// or wss:// URL makes none, and plain devices carry no TLS state.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "simulation_options.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace xiaozhi::simulator {

class RunTls {
  public:
    explicit RunTls(const SimulationOptions& options);
    ~RunTls();
    RunTls(const RunTls&) = delete;
    RunTls& operator=(const RunTls&) = delete;

    // The context, made by the first caller on any thread; nullptr when it cannot be made
    // (then error() says why).
    boost::asio::ssl::context* context();
    const std::string& error() const { return error_; }
    bool insecure() const { return insecure_; }

  private:
    std::string ca_file_;
    bool insecure_;
    std::once_flag made_;
    std::unique_ptr<boost::asio::ssl::context> context_;
    std::string error_;
};

// Why the run's trust options cannot be used ("" when they can): a --ca file that is missing,
// unreadable or holds no PEM certificate.
std::string tls_trust_problem(const SimulationOptions& options);

}  // namespace xiaozhi::simulator
