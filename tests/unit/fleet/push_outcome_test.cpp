// outcome_of: applied, superseded, refused and pending from registry entries.
#include <catch2/catch.hpp>

#include "fleet/push_outcome.hpp"

using namespace xiaozhi::fleet;

TEST_CASE("outcome_of reads a registry entry against a pushed revision") {
    const std::string runs_12 =
        R"({"websocket_url":"ws://10.0.0.2:8000/xiaozhi/v1/","remote_revision":"12"})";
    const InstanceOutcome applied = outcome_of("b", runs_12, 12);
    CHECK(applied.instance == "b");
    CHECK(applied.websocket_url == "ws://10.0.0.2:8000/xiaozhi/v1/");
    CHECK(applied.outcome == PushOutcome::applied);
    CHECK(outcome_of("b", runs_12, 11).outcome == PushOutcome::superseded);
    CHECK(outcome_of("b", runs_12, 13).outcome == PushOutcome::pending);
    const InstanceOutcome refused = outcome_of(
        "c",
        R"({"remote_revision":"12","remote_outcome":{"revision":"13","status":"refused",)"
        R"("reason":"rebind failed"}})",
        13);
    CHECK(refused.outcome == PushOutcome::refused);
    CHECK(refused.reason == "rebind failed");
    // A refusal of another revision says nothing about this one.
    CHECK(outcome_of("c",
                     R"({"remote_revision":"12","remote_outcome":{"revision":"13",)"
                     R"("status":"refused"}})",
                     14)
              .outcome == PushOutcome::pending);
    CHECK(outcome_of("d", "not json", 3).outcome == PushOutcome::pending);
    CHECK(outcome_of("d", R"({"remote_revision":7})", 7).outcome == PushOutcome::pending);
    CHECK(push_outcome_name(PushOutcome::superseded) == "superseded");
}
