// Inputs fuzzing found in the compose reader (tests/fuzz/compose_fuzz.cpp), kept as tests.
#include <catch2/catch.hpp>

#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "deploy/compose_project.hpp"

using namespace xiaozhi;

namespace {

config::ComposeFile file_from(const std::string& name, const std::string& yaml) {
    return config::ComposeFile{name, config::parse_text(yaml, config::Syntax::yaml, name), {}};
}

}  // namespace

TEST_CASE("A full port range merges fast, each mapping once", "[fuzz]") {
    // Merging compared every mapping with every earlier one: "1-65535:1-65535" alone took
    // minutes (65535 squared comparisons).
    const std::string yaml =
        "services:\n  coturn:\n    ports:\n"
        "      - \"1-65535:1-65535/udp\"\n      - \"1-65535:1-65535/udp\"\n";
    const config::ComposeProject project{"fuzz",
                                         {file_from("a.yml", yaml), file_from("b.yml", yaml)}};
    const std::vector<deploy::ComposeService> services = deploy::project_services(project);
    REQUIRE(services.size() == 1);
    CHECK(services[0].ports.size() == 65535);
    CHECK(services[0].ports.front().host_port == 1);
    CHECK(services[0].ports.back().container_port == 65535);
}

TEST_CASE("A compose file expanding to more mappings than the limit is an input error", "[fuzz]") {
    // 150 full ranges in 3.9 KB once expanded to 9.8 million mappings (2.9 GB).
    std::string yaml = "services:\n  coturn:\n    ports:\n";
    for (int i = 0; i < 150; ++i) yaml += "      - \"1-65535:1-65535\"\n";
    const config::ComposeProject project{"fuzz", {file_from("a.yml", yaml)}};
    try {
        deploy::project_services(project);
        FAIL("no InputError");
    } catch (const config::InputError& error) {
        CHECK(error.message() ==
              "more than 262144 published ports (the limit for one compose file)");
        CHECK(error.position().line == 8);
    }
}
