// Benchmark: the analysis on a model of N listeners, beside a naive pairwise conflict scan.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/analyze.hpp"
#include "config/effective.hpp"
#include "deploy/model.hpp"
#include "deploy/url.hpp"
#include "host/snapshot.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// N listeners spread over ports and addresses, with every 100th one colliding with its predecessor.
xiaozhi::deploy::Model make_model(int count) {
    xiaozhi::deploy::Model model;
    model.runtime = xiaozhi::deploy::Runtime::xiaozhi;
    for (int i = 0; i < count; ++i) {
        xiaozhi::deploy::Listener listener;
        listener.service = "service-" + std::to_string(i);
        listener.transport = i % 3 == 0 ? xiaozhi::deploy::Transport::udp
                                         : xiaozhi::deploy::Transport::tcp;
        listener.address = i % 2 == 0 ? "0.0.0.0" : "10.0." + std::to_string(i % 250) + ".1";
        listener.port = i % 100 == 99 ? 10000 + i - 1 : 10000 + i;
        listener.key = "generated." + std::to_string(i);
        listener.origin.layer = "file";
        listener.origin.pos = {"generated.yaml", i + 1, 1};
        model.listeners.push_back(listener);
    }
    return model;
}

// The peer: every pair compared, as a straightforward checker would.
int pairwise_conflicts(const xiaozhi::deploy::Model& model) {
    int conflicts = 0;
    const auto& ls = model.listeners;
    for (std::size_t a = 0; a < ls.size(); ++a) {
        for (std::size_t b = a + 1; b < ls.size(); ++b) {
            if (ls[a].transport == ls[b].transport && ls[a].port == ls[b].port &&
                xiaozhi::deploy::bind_addresses_overlap(ls[a].address, ls[b].address, false)) {
                ++conflicts;
            }
        }
    }
    return conflicts;
}

template <typename F>
double best_of(int runs, F&& work) {
    double best = 1e99;
    for (int r = 0; r < runs; ++r) {
        auto start = Clock::now();
        work();
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (ms < best) best = ms;
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    int count = argc > 1 ? std::atoi(argv[1]) : 5000;
    auto effective = xiaozhi::config::Effective::merge({xiaozhi::config::defaults_layer()});
    auto model = make_model(count);
    xiaozhi::host::Snapshot host;

    std::size_t findings = 0;
    int pairs = 0;
    double analysis_ms = best_of(5, [&] {
        findings = xiaozhi::analysis::analyze({effective, model, host}).size();
    });
    double pairwise_ms = best_of(5, [&] { pairs = pairwise_conflicts(model); });

    std::printf("listeners            %d\n", count);
    std::printf("analysis (all rules) %.3f ms, %zu findings\n", analysis_ms, findings);
    std::printf("pairwise scan (peer) %.3f ms, %d conflicts\n", pairwise_ms, pairs);
    std::printf("ratio peer/analysis  %.1fx\n", pairwise_ms / analysis_ms);
    return 0;
}
