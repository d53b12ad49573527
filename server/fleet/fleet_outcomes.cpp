// collect_push_outcomes: the registry read again until every instance reported the revision.
#include "fleet/fleet_outcomes.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include "fleet/push_outcome.hpp"

namespace xiaozhi::server {

nlohmann::json collect_push_outcomes(EtcdClient& etcd, const std::string& instances_prefix,
                                     std::uint64_t revision, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::vector<fleet::InstanceOutcome> outcomes;
    while (true) {
        try {
            std::vector<fleet::InstanceOutcome> read;
            for (const fleet::EtcdKeyValue& kv : etcd.range(instances_prefix, true).kvs) {
                read.push_back(
                    fleet::outcome_of(kv.key.substr(instances_prefix.size()), kv.value, revision));
            }
            outcomes = std::move(read);
        } catch (const std::exception&) {
            break;
        }
        const bool pending =
            std::any_of(outcomes.begin(), outcomes.end(), [](const fleet::InstanceOutcome& o) {
                return o.outcome == fleet::PushOutcome::pending;
            });
        if (!pending || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    nlohmann::json answer = nlohmann::json::array();
    for (const fleet::InstanceOutcome& outcome : outcomes) {
        answer.push_back({{"instance", outcome.instance},
                          {"websocket_url", outcome.websocket_url},
                          {"outcome", fleet::push_outcome_name(outcome.outcome)},
                          {"reason", outcome.reason}});
    }
    return answer;
}

}  // namespace xiaozhi::server
