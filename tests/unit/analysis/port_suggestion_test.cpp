// The nearest free port suggested for port.conflict and port.in-use.
#include <catch2/catch.hpp>

#include "analysis/port_suggester.hpp"
#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

TEST_CASE("suggest_port: searches one above, one below, two above, ...", "[analysis][suggest]") {
    deploy::Model model;
    model.listeners = {listener("websocket", "0.0.0.0", 8000), listener("http", "0.0.0.0", 8001)};
    host::Snapshot host;
    PortSuggester suggester(model, host);
    CHECK(suggester.nearest_free(8000, deploy::Transport::tcp) == 7999);
    CHECK(suggester.nearest_free(8001, deploy::Transport::tcp) == 8002);
    // The UDP side of the same ports is free.
    CHECK(suggester.nearest_free(8000, deploy::Transport::udp) == 8001);
}

TEST_CASE("suggest_port: skips model listeners and published compose ports",
          "[analysis][suggest]") {
    deploy::Model model;
    model.listeners = {listener("websocket", "127.0.0.1", 8000), listener("http", "0.0.0.0", 7999)};
    deploy::PublishedPort published;
    published.service = "web";
    published.host_port = 8001;
    published.container_port = 80;
    model.published.push_back(published);
    host::Snapshot host;
    CHECK(PortSuggester(model, host).nearest_free(8000, deploy::Transport::tcp) == 8002);
}

TEST_CASE("suggest_port: skips ports held on a probed host only", "[analysis][suggest]") {
    deploy::Model model;
    model.listeners = {listener("websocket", "0.0.0.0", 8000)};
    host::Snapshot host = probed_host();
    host.sockets = {held(8001), held(7999, "127.0.0.1"), held(8002, "::")};
    CHECK(PortSuggester(model, host).nearest_free(8000, deploy::Transport::tcp) == 7998);
    CHECK(PortSuggester(model, host).suggestion(8000, deploy::Transport::tcp) ==
          "use port 7998 (free in the deployment and on this host)");
    host.probed = false;
    CHECK(PortSuggester(model, host).nearest_free(8000, deploy::Transport::tcp) == 8001);
}

TEST_CASE("suggest_port: skips the ephemeral range", "[analysis][suggest]") {
    deploy::Model model;
    host::Snapshot host = probed_host();
    host.ephemeral_low = 32768;
    host.ephemeral_high = 60999;
    host.sockets = {held(32767)};
    // 32767 is held, 32768.. is ephemeral: the nearest is below.
    CHECK(PortSuggester(model, host).nearest_free(32767, deploy::Transport::tcp) == 32766);
    // From inside the range the nearest port outside it wins: 61000 is closer than 32767.
    CHECK(PortSuggester(model, host).nearest_free(60990, deploy::Transport::tcp) == 61000);
}

TEST_CASE("suggest_port: skips privileged ports unless the host may bind them",
          "[analysis][suggest]") {
    deploy::Model model;
    model.listeners = {listener("websocket", "0.0.0.0", 80)};
    host::Snapshot host = probed_host();
    CHECK(PortSuggester(model, host).nearest_free(80, deploy::Transport::tcp) == 1024);
    host.unprivileged_port_start = 0;
    CHECK(PortSuggester(model, host).nearest_free(80, deploy::Transport::tcp) == 81);
    host.unprivileged_port_start = 1024;
    host.can_bind_privileged = true;
    CHECK(PortSuggester(model, host).nearest_free(80, deploy::Transport::tcp) == 81);
}

TEST_CASE("suggest_port: nothing free gives no suggestion", "[analysis][suggest]") {
    deploy::Model model;
    host::Snapshot host = probed_host();
    host.ephemeral_low = 1024;
    host.ephemeral_high = 65535;
    CHECK_FALSE(PortSuggester(model, host).nearest_free(8000, deploy::Transport::tcp).has_value());
    CHECK(PortSuggester(model, host).suggestion(8000, deploy::Transport::tcp).empty());
}

TEST_CASE("suggest_port: a conflict's suggestion avoids ports held on the host",
          "[analysis][suggest][port.conflict]") {
    DeploymentSpec spec;
    spec.files = {"server:\n  port: 8000\n  http_port: 8000\n"};
    spec.host = probed_host();
    spec.host.sockets = {held(8001), held(7999)};
    auto found = deployment(spec).findings("port.conflict");
    REQUIRE(found.size() == 1);
    CHECK(found[0].suggestion == "use port 8002 (free in the deployment and on this host)");
}
