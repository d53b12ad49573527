// url.list-entry: the ';' list the management API picks a random entry from.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"
#include "config/parse.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

// The list as the management console holds it: the remote layer in management-API mode.
std::vector<Finding> list_findings(const std::string& list) {
    config::Layer remote{config::LayerKind::remote,
                         "remote.yaml",
                         config::parse_text("server:\n  websocket: \"" + list + "\"\n",
                                            config::Syntax::yaml, "remote.yaml"),
                         {},
                         {}};
    config::Effective effective = config::Effective::merge({config::defaults_layer(), remote});
    deploy::Model model = deploy::build_model(effective, nullptr, deploy::Runtime::python);
    model.management_api = true;
    model.remote_loaded = true;
    return of_rule(analyze(Inputs{effective, model, host::Snapshot{}}), "url.list-entry");
}

}  // namespace

TEST_CASE("url.list-entry: empty entries are errors", "[analysis][url.list-entry]") {
    const std::string a = "ws://192.168.1.4:8000/xiaozhi/v1/";
    const std::string b = "ws://192.168.1.5:8000/xiaozhi/v1/";
    for (const std::string& list : {a + ";;" + b, ";" + a}) {
        CAPTURE(list);
        auto found = list_findings(list);
        REQUIRE(found.size() == 1);
        CHECK(found[0].severity == Severity::error);
        CHECK(found[0].key == "server.websocket");
    }
}

TEST_CASE("url.list-entry: a trailing separator is dropped by the management API's split",
          "[analysis][url.list-entry]") {
    CHECK(list_findings("ws://192.168.1.4:8000/xiaozhi/v1/;").empty());
}

TEST_CASE("url.list-entry: entries that differ only by port", "[analysis][url.list-entry]") {
    auto found =
        list_findings("ws://192.168.1.4:8000/xiaozhi/v1/;ws://192.168.1.4:8001/xiaozhi/v1/");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK_THAT(found[0].message, Catch::Contains("entry 2") && Catch::Contains("entry 1"));
}

TEST_CASE("url.list-entry: distinct hosts on one port stay quiet", "[analysis][url.list-entry]") {
    CHECK(list_findings("ws://192.168.1.4:8000/xiaozhi/v1/;ws://192.168.1.5:8000/xiaozhi/v1/")
              .empty());
    CHECK(list_findings("ws://192.168.1.4:8000/xiaozhi/v1/").empty());
}
