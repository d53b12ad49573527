// settings_of: ServerSettings read from one TOML text, as serve reads its files (base folder
// /srv/x).
#pragma once

#include <string>

#include "config/load.hpp"
#include "settings.hpp"
#include "temp_dir.hpp"

namespace xiaozhi::test {

inline server::ServerSettings settings_of(const std::string& toml) {
    TempDir dir;
    config::LoadOptions options;
    options.paths = {dir.write("xiaozhi.toml", toml)};
    return server::read_server_settings(config::load(options).effective, "/srv/x");
}

}  // namespace xiaozhi::test
