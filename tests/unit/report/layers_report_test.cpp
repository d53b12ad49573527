// Tests of the layered view: each effective value with its origin and what it overrode.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "config/layer.hpp"
#include "report/config_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
using nlohmann::json;

namespace {

config::Layer file_layer_of(std::string file, std::int64_t port, std::string auth_key) {
    config::Layer layer;
    layer.kind = config::LayerKind::file;
    layer.source = file;
    layer.tree = config::Node::map_at({file, 1, 1});
    config::Node server = config::Node::map_at({file, 1, 1});
    server.set("port", config::Node::integer_at(port, {file, 2, 9}));
    server.set("auth_key", config::Node::string_at(std::move(auth_key), {file, 3, 13}));
    layer.tree.set("server", std::move(server));
    return layer;
}

// a.yaml < b.yaml < a remote layer that dropped its server.port.
config::Effective sample_effective() {
    config::Layer remote;
    remote.kind = config::LayerKind::remote;
    remote.source = "remote.json";
    remote.tree = config::Node::map_at({"remote.json", 1, 1});
    remote.dropped.push_back({{"server", "port"},
                              config::Node::integer_at(9000, {"remote.json", 4, 15}),
                              "kept local by the reference server"});
    return config::Effective::merge({file_layer_of("a.yaml", 8000, "first-key"),
                                     file_layer_of("b.yaml", 8100, "second-key"), remote});
}

std::string layers_text(Format format, bool show_secrets) {
    std::ostringstream out;
    MaskOptions mask;
    mask.show_secrets = show_secrets;
    write_layers(out, format, sample_effective(), mask, false);
    return out.str();
}

// The line that starts with `prefix` and the lines after it.
std::vector<std::string> from_line(const std::vector<std::string>& lines,
                                   const std::string& prefix) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(prefix, 0) == 0)
            return {lines.begin() + static_cast<long>(i), lines.end()};
    }
    return {};
}

}  // namespace

TEST_CASE("layers text: effective value then the override chain", "[layers]") {
    const auto lines = lines_of(layers_text(Format::text, false));
    const auto port = from_line(lines, "server.port = ");
    REQUIRE(port.size() >= 3);
    CHECK(port[0] == "server.port = 8100  [file b.yaml:2:9]");
    const std::vector<std::string> chain = {port[1], port[2]};
    CHECK_THAT(chain, Catch::Matchers::VectorContains(
                          std::string("    overrides 8000  [file a.yaml:2:9]")));
    CHECK_THAT(chain, Catch::Matchers::VectorContains(std::string(
                          "    ignored 9000  [remote remote.json:4:15] (kept local by the "
                          "reference server)")));
}

TEST_CASE("layers text: secrets masked unless asked", "[layers]") {
    const auto lines = lines_of(layers_text(Format::text, false));
    const auto key = from_line(lines, "server.auth_key = ");
    REQUIRE(key.size() >= 2);
    CHECK(key[0] == "server.auth_key = ***  [file b.yaml:3:13]");
    CHECK(key[1] == "    overrides ***  [file a.yaml:3:13]");
    const std::string masked = layers_text(Format::text, false);
    CHECK(masked.find("first-key") == std::string::npos);
    CHECK(masked.find("second-key") == std::string::npos);

    const std::string shown = layers_text(Format::text, true);
    CHECK(shown.find("second-key") != std::string::npos);
    CHECK(shown.find("first-key") != std::string::npos);
}

TEST_CASE("layers json: values with origins and typed overrides", "[layers]") {
    const json document = json::parse(layers_text(Format::json, false));
    const json* port = nullptr;
    const json* auth_key = nullptr;
    for (const json& value : document.at("values")) {
        if (value.at("key") == "server.port") port = &value;
        if (value.at("key") == "server.auth_key") auth_key = &value;
    }
    REQUIRE(port != nullptr);
    CHECK(port->at("value") == 8100);
    CHECK(port->at("origin").at("file") == "b.yaml");
    CHECK(port->at("origin").at("layer") == "file");
    const json& overridden = port->at("overridden");
    REQUIRE(overridden.size() == 2);
    bool saw_override = false;
    bool saw_dropped = false;
    for (const json& item : overridden) {
        if (item.at("value") == 8000 && item.at("note") == "") saw_override = true;
        if (item.at("value") == 9000 && item.at("note") == "kept local by the reference server") {
            saw_dropped = item.at("origin").at("layer") == "remote";
        }
    }
    CHECK(saw_override);
    CHECK(saw_dropped);

    REQUIRE(auth_key != nullptr);
    CHECK(auth_key->at("value") == "***");
    CHECK(auth_key->at("overridden").at(0).at("value") == "***");
}

TEST_CASE("layers: formats other than text and json are refused", "[layers]") {
    CHECK_THROWS_AS(layers_text(Format::sarif, false), std::invalid_argument);
    CHECK_NOTHROW(layers_text(Format::json, false));
}

TEST_CASE("layers: a secret set with --set is masked in value and origin", "[layers][secrets]") {
    const auto effective = config::Effective::merge(
        {file_layer_of("a.yaml", 8000, "file-key"),
         config::command_line_layer({"server.auth_key=cli-key", "server.port=8200"})});
    std::ostringstream masked;
    write_layers(masked, Format::text, effective, MaskOptions{}, false);
    CHECK(masked.str().find("cli-key") == std::string::npos);
    CHECK(masked.str().find("--set server.auth_key=***") != std::string::npos);
    CHECK(masked.str().find("--set server.port=8200") != std::string::npos);

    std::ostringstream shown;
    write_layers(shown, Format::text, effective, MaskOptions{true}, false);
    CHECK(shown.str().find("--set server.auth_key=cli-key") != std::string::npos);
}
