// The layered view of the upstream keys: the list serve relays to, with its origin and overrides.
#include <catch2/catch.hpp>

#include "config/load.hpp"
#include "report/config_report.hpp"
#include "report_test_support.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;

namespace {

// The lines of `text` from the one that starts with `prefix` on; empty when none does.
std::vector<std::string> from_line(const std::string& text, const std::string& prefix) {
    const std::vector<std::string> lines = lines_of(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(prefix, 0) == 0)
            return {lines.begin() + static_cast<long>(i), lines.end()};
    }
    return {};
}

}  // namespace

TEST_CASE("layers: upstream.websocket and upstream.auth_key with their origins",
          "[layers][upstream]") {
    xiaozhi::test::TempDir dir;
    config::LoadOptions options;
    options.paths = {dir.write("base.toml",
                               "[upstream]\nwebsocket = [\"ws://10.0.0.5:8000/\"]\n"
                               "auth_key = \"first-key\"\n"),
                     dir.write("site.toml",
                               "[upstream]\nwebsocket = [{ url = \"ws://10.0.0.6:8000/\", "
                               "weight = 2 }]\nsticky = true\n")};
    options.assignments = {"upstream.fall=5"};
    const config::Effective effective = config::load(options).effective;
    std::ostringstream out;
    write_layers(out, Format::text, effective, MaskOptions{}, false);
    const std::string text = out.str();

    const auto websocket = from_line(text, "upstream.websocket = ");
    REQUIRE(websocket.size() >= 2);
    CHECK_THAT(websocket[0], Catch::Contains("ws://10.0.0.6:8000/") && Catch::Contains("weight") &&
                                 Catch::EndsWith("site.toml:2:13]"));
    CHECK_THAT(websocket[1], Catch::StartsWith("    overrides [") &&
                                 Catch::Contains("ws://10.0.0.5:8000/") &&
                                 Catch::EndsWith("base.toml:2:13]"));
    const auto sticky = from_line(text, "upstream.sticky = ");
    REQUIRE_FALSE(sticky.empty());
    CHECK_THAT(sticky[0], Catch::StartsWith("upstream.sticky = true  [file ") &&
                              Catch::EndsWith("site.toml:3:10]"));
    const auto key = from_line(text, "upstream.auth_key = ");
    REQUIRE_FALSE(key.empty());
    CHECK_THAT(key[0], Catch::StartsWith("upstream.auth_key = ***  [file "));
    CHECK(text.find("first-key") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("upstream.fall = 5  [set --set upstream.fall=5]"));
}
