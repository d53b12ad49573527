// The ports docker-compose files publish: services.<name>.ports in short and long syntax.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/load.hpp"
#include "deploy/model.hpp"

namespace xiaozhi::deploy {

// One PublishedPort per published container port, in file order; ranges
// ("18000-18001:8000-8001") are expanded. A port published without a fixed
// host port ("8000", "127.0.0.1::8000", a host range for one container port)
// has host_port 0. Variables are interpolated with the file's .env variables;
// an entry that needs a variable that is not set there is skipped, as its value
// is only known where compose runs; sctp entries are skipped. Each origin is the
// position of the entry in the file (layer "file"). Throws config::InputError
// at that position for a malformed entry, or at the section that is not a map
// or list where compose expects one.
std::vector<PublishedPort> published_ports(const config::ComposeFile& file);

// Most mappings one file's ports expand to (four full ranges); beyond it, an InputError
// at the entry that crosses it, so a 4 KB file cannot expand into millions of mappings.
inline constexpr std::size_t max_published_ports = 4 * 65536;

// The mappings of one service's `ports` node, appended to `out` (as published_ports).
void read_service_ports(const std::string& service, const config::Node& ports,
                        const config::ComposeFile& file, std::vector<PublishedPort>& out);

// Compose's interpolation with the variables of the project's .env: $VAR, ${VAR},
// ${VAR:-default} (the default when VAR is unset or empty) and ${VAR-default} (when
// unset); "$$" is "$". nullopt when the text needs a variable that is not set.
std::optional<std::string> interpolate(std::string_view text,
                                       const config::ComposeVariables& variables);

}  // namespace xiaozhi::deploy
