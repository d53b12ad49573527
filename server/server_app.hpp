// `xiaozhi serve` as a whole: validate, bind, publish the addresses, serve, reload, shut down.
#pragma once

#include <string>

#include "config/load.hpp"

namespace xiaozhi::server {

struct ServeOptions {
    config::LoadOptions load;  // paths, --remote, environment, --set
    std::string base_dir;      // relative state_dir / firmware_dir resolve here
    bool probe = true;         // false (--no-probe): no live host probe before binding
    int threads = 0;           // 0: one per core
    bool banner = true;        // the human start-up banner on standard error (off for JSON logs)
};

// Exit codes as DESIGN.md: 0 after a clean shutdown (SIGTERM/SIGINT), 1 when the
// analysis refuses the configuration (every finding printed), 3 when a listener
// cannot be bound. Throws config::InputError for unreadable or invalid input (2).
int run_serve(const ServeOptions& options);

}  // namespace xiaozhi::server
