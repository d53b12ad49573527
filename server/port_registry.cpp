// The ports.json registry: one host::Instance with this pid and its listening sockets.
#include "port_registry.hpp"

#include <unistd.h>

#include <filesystem>

#include "host/snapshot.hpp"
#include "log_event.hpp"

namespace xiaozhi::server {

namespace {

std::string registry_path(const std::string& state_dir) {
    return (std::filesystem::path(state_dir) / "ports.json").string();
}

}  // namespace

bool write_port_registry(const std::string& state_dir,
                         const std::vector<const BoundListener*>& bound) {
    host::Instance instance;
    instance.pid = static_cast<int>(::getpid());
    instance.state_dir = state_dir;
    for (const BoundListener* listener : bound) {
        host::Socket socket;
        socket.transport = deploy::Transport::tcp;
        socket.address = listener->address;
        socket.port = listener->bound_port;
        socket.pid = instance.pid;
        socket.command = "xiaozhi serve";
        instance.ports.push_back(socket);
    }
    try {
        std::filesystem::create_directories(state_dir);
        host::write_instance_file(instance, registry_path(state_dir));
        return true;
    } catch (const std::exception& error) {
        log_warn("port_registry_failed", "port registry not written",
                 {{"path", registry_path(state_dir)}, {"error", error.what()}});
        return false;
    }
}

void remove_port_registry(const std::string& state_dir) {
    std::error_code ignored;
    std::filesystem::remove(registry_path(state_dir), ignored);
}

}  // namespace xiaozhi::server
