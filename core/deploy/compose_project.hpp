// A compose project's services after Compose's merge: the xiaozhi server, networks, ports.
#pragma once

#include <string>
#include <vector>

#include "config/load.hpp"
#include "deploy/model.hpp"

namespace xiaozhi::deploy {

struct ComposeService {
    std::string name;
    bool server = false;        // the xiaozhi server (is_server_service)
    bool serve = false;         // runs `xiaozhi serve` itself (is_serve_service)
    bool host_network = false;  // network_mode: host; Compose then ignores `ports`
    // Upstream's published server image, not built here and without config.yaml mounted:
    // the container reads the image's own config.yaml, not the folder's.
    bool image_config = false;
    std::vector<PublishedPort> ports;  // merged over the project's files, each mapping once
    config::Origin origin;             // the service's first definition
};

// The project's services in order of first definition. Files merge as Compose merges
// them: scalars (image, network_mode, command, build) from the last file that sets them,
// volumes appended, ports appended with a mapping identical in host address, host port,
// container port and protocol kept once. Throws config::InputError for a malformed
// ports entry or a services section that is not a map.
std::vector<ComposeService> project_services(const config::ComposeProject& project);

// Whether a merged service definition is the xiaozhi server: its image is
// .../xiaozhi-esp32-server with a tag not starting "web", a xiaozhi image tagged
// server*, or a fork's xiaozhi*server* image (not *web*, *manager*, *mqtt*, *gateway*); or it
// mounts ./data, or anything into /opt/xiaozhi-esp32-server/data; or its command or entrypoint runs
// app.py; or it is built from Dockerfile-server. An image tagged web* (the management API) never
// is. Values are interpolated with `variables` (the project's .env).
bool is_server_service(const config::Node& service, const config::ComposeVariables& variables = {});

// Whether a merged service definition runs `xiaozhi serve`: its image's repository starts
// "xiaozhi-serve" (not "xiaozhi-server"), its command or entrypoint is `serve ...` or
// `xiaozhi serve ...`, or it mounts a file named xiaozhi.toml. With the xiaozhi runtime such a
// service is the server and a reference server beside it is one of the project's other
// services (an upstream of serve's relay).
bool is_serve_service(const config::Node& service, const config::ComposeVariables& variables = {});

}  // namespace xiaozhi::deploy
