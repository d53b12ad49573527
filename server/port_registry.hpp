// <state_dir>/ports.json: the ports a running serve holds, for check-ports' port.held-by-self.
#pragma once

#include <string>
#include <vector>

#include "port_binding.hpp"

namespace xiaozhi::server {

// Writes (atomically) the registry of this process's listeners; false after
// logging a warning when it cannot be written (serving goes on).
bool write_port_registry(const std::string& state_dir,
                         const std::vector<const BoundListener*>& bound);

// Removes the registry at a clean exit.
void remove_port_registry(const std::string& state_dir);

}  // namespace xiaozhi::server
