// The fleet rules against a hand-made registry: each fires on its case and stays quiet on the
// near miss.
#include <catch2/catch.hpp>

#include "analysis/fleet_view.hpp"
#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

std::vector<Finding> fleet_findings(const Deployment& deployment, const FleetView& fleet,
                                    std::string_view rule) {
    Inputs inputs{deployment.effective, deployment.model, deployment.host};
    inputs.fleet = &fleet;
    return of_rule(analyze(inputs), rule);
}

FleetPeer peer(std::string id, std::string host, std::vector<int> ports,
               std::string address = "0.0.0.0", std::string url = "", std::string revision = "") {
    return FleetPeer{std::move(id),    std::move(host), std::move(address),
                     std::move(ports), std::move(url),  std::move(revision)};
}

FleetView fleet_of(std::vector<FleetPeer> peers, std::optional<std::string> revision = {}) {
    return FleetView{"etcd http://127.0.0.1:2379 fleet prod", "self", "vm1", std::move(revision),
                     std::move(peers)};
}

const std::string kServe = "server:\n  ip: 0.0.0.0\n  port: 8000\n  http_port: 8003\n";

}  // namespace

TEST_CASE("fleet.port-conflict: another instance on this host binds the same port",
          "[analysis][fleet]") {
    const Deployment serve = deployment(kServe, deploy::Runtime::xiaozhi);
    const auto found =
        fleet_findings(serve, fleet_of({peer("b", "vm1", {8000, 8003})}), "fleet.port-conflict");
    REQUIRE(found.size() == 2);
    CHECK(found[0].severity == Severity::error);
    CHECK_THAT(found[0].message,
               Catch::Contains("is bound by fleet instance b (etcd http://127.0.0.1:2379 fleet "
                               "prod) on this host (vm1"));
    CHECK_THAT(found[0].suggestion, Catch::Contains("its own server."));
    // Another host, other ports, its own entry, or addresses that do not overlap: quiet.
    CHECK(fleet_findings(serve, fleet_of({peer("b", "vm2", {8000, 8003})}), "fleet.port-conflict")
              .empty());
    CHECK(fleet_findings(serve, fleet_of({peer("b", "vm1", {8100, 8103})}), "fleet.port-conflict")
              .empty());
    CHECK(
        fleet_findings(serve, fleet_of({peer("self", "vm1", {8000, 8003})}), "fleet.port-conflict")
            .empty());
    const Deployment on_one_address = deployment(
        "server:\n  ip: 10.0.0.1\n  port: 8000\n  http_port: 8003\n", deploy::Runtime::xiaozhi);
    CHECK(fleet_findings(on_one_address, fleet_of({peer("b", "vm1", {8000}, "10.0.0.2")}),
                         "fleet.port-conflict")
              .empty());
    CHECK(fleet_findings(on_one_address, fleet_of({peer("b", "vm1", {8000}, "0.0.0.0")}),
                         "fleet.port-conflict")
              .size() == 1);
}

TEST_CASE("fleet.duplicate-url: server.websocket is another instance's address",
          "[analysis][fleet]") {
    const Deployment serve = deployment(kServe + "  websocket: ws://10.0.0.1:8000/xiaozhi/v1/\n",
                                        deploy::Runtime::xiaozhi);
    const auto found = fleet_findings(
        serve, fleet_of({peer("b", "vm2", {8000}, "0.0.0.0", "ws://10.0.0.1:8000/xiaozhi/v1/")}),
        "fleet.duplicate-url");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.websocket");
    CHECK_THAT(found[0].message, Catch::Contains("is what fleet instance b"));
    CHECK(fleet_findings(
              serve,
              fleet_of({peer("b", "vm2", {8000}, "0.0.0.0", "ws://10.0.0.2:8000/xiaozhi/v1/")}),
              "fleet.duplicate-url")
              .empty());
    // A derived address is not compared (serve fills in its own host and port).
    const Deployment derived = deployment(kServe, deploy::Runtime::xiaozhi);
    CHECK(fleet_findings(
              derived,
              fleet_of({peer("b", "vm2", {8000}, "0.0.0.0", "ws://10.0.0.1:8000/xiaozhi/v1/")}),
              "fleet.duplicate-url")
              .empty());
}

TEST_CASE("fleet.revision-mismatch: an instance runs another remote revision",
          "[analysis][fleet]") {
    const Deployment serve = deployment(kServe, deploy::Runtime::xiaozhi);
    const auto found = fleet_findings(serve,
                                      fleet_of({peer("b", "vm2", {8000}, "0.0.0.0", "", "12"),
                                                peer("c", "vm3", {8000}, "0.0.0.0", "", "15")},
                                               "15"),
                                      "fleet.revision-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK_THAT(found[0].message, Catch::Contains("fleet instance b") &&
                                     Catch::Contains("runs remote revision 12, not the fleet's "
                                                     "current revision 15"));
    CHECK(fleet_findings(serve, fleet_of({peer("b", "vm2", {8000}, "0.0.0.0", "", "12")}),
                         "fleet.revision-mismatch")
              .empty());
}

TEST_CASE("fleet_peer_of reads a registry entry", "[analysis][fleet]") {
    const auto read = fleet_peer_of(
        "b", R"({"host":"vm1","address":"0.0.0.0","ports":{"websocket":8000,"http":8003,"tls":0},)"
             R"("websocket_url":"ws://x:8000/xiaozhi/v1/","remote_revision":"7"})");
    REQUIRE(read);
    CHECK(read->id == "b");
    CHECK(read->host == "vm1");
    CHECK(read->ports.size() == 2);
    CHECK(read->remote_revision == "7");
    CHECK_FALSE(fleet_peer_of("c", "[1,2]"));
    CHECK_FALSE(fleet_peer_of("c", "not json"));
}
