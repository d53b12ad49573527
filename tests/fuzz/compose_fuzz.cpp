// Fuzz target: the compose reader (ports, services, merge) on YAML text; "#override" starts file 2.
#include <string>
#include <vector>

#include "config/parse.hpp"
#include "deploy/compose.hpp"
#include "deploy/compose_project.hpp"
#include "fuzz_input.hpp"

using namespace xiaozhi;

namespace {

constexpr std::string_view kSecondFile = "\n#override\n";

// The variables of the project's .env: set, empty, and a range.
const config::ComposeVariables kVariables = {
    {"HTTP_PORT", "8003"}, {"WS_PORT", "8000"}, {"EMPTY", ""}, {"RANGE", "18000-18001"}};

config::ComposeFile compose_file(std::string_view text, const std::string& path) {
    return config::ComposeFile{path, config::parse_text(text, config::Syntax::yaml, path),
                               kVariables};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    const std::size_t split = text.find(kSecondFile);
    try {
        config::ComposeProject project{"fuzz", {compose_file(text.substr(0, split), "a.yml")}};
        for (const deploy::PublishedPort& port : deploy::published_ports(project.files.front())) {
            fuzz::require(port.container_port >= 1 && port.container_port <= 65535 &&
                              port.host_port >= 0 && port.host_port <= 65535,
                          "published ports are ports");
        }
        if (split != std::string_view::npos) {
            project.files.push_back(compose_file(text.substr(split + kSecondFile.size()), "b.yml"));
        }
        deploy::project_services(project);
    } catch (const config::InputError&) {
    }
    return 0;
}
