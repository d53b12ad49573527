// The host snapshot's JSON form (validated field by field) and its local-address test.
#include "host/snapshot.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "config/input_error.hpp"
#include "deploy/ip_address.hpp"
#include "deploy/url.hpp"
#include "host/snapshot_tls.hpp"

namespace xiaozhi::host {

namespace {

using nlohmann::json;

constexpr int snapshot_version = 1;

// Reads fields of one JSON document, naming `file` and the field path in every error.
class FieldReader {
  public:
    explicit FieldReader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& field, const std::string& expected) const {
        throw config::InputError(config::Position{file_, 0, 0},
                                 "field " + field + ": expected " + expected);
    }

    const json& object(const json& value, const std::string& field) const {
        if (!value.is_object()) fail(field, "an object");
        return value;
    }

    const json& array(const json& value, const std::string& field) const {
        if (!value.is_array()) fail(field, "an array");
        return value;
    }

    std::string string(const json& value, const std::string& field) const {
        if (!value.is_string()) fail(field, "a string");
        return value.get<std::string>();
    }

    bool boolean(const json& value, const std::string& field) const {
        if (!value.is_boolean()) fail(field, "true or false");
        return value.get<bool>();
    }

    int integer(const json& value, const std::string& field, std::int64_t low,
                std::int64_t high) const {
        std::string expected = "an integer in " + std::to_string(low) + ".." + std::to_string(high);
        if (!value.is_number_integer()) fail(field, expected);
        bool in_range = value.is_number_unsigned()
                            ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(high) &&
                                  static_cast<std::int64_t>(value.get<std::uint64_t>()) >= low
                            : value.get<std::int64_t>() >= low && value.get<std::int64_t>() <= high;
        if (!in_range) fail(field, expected);
        return static_cast<int>(value.get<std::int64_t>());
    }

    const std::string& file() const { return file_; }

  private:
    const std::string& file_;
};

constexpr std::int64_t max_pid = 0x7fffffff;

json socket_to_json(const Socket& socket) {
    return json{{"transport", deploy::transport_name(socket.transport)},
                {"address", socket.address},
                {"port", socket.port},
                {"pid", socket.pid},
                {"command", socket.command}};
}

Socket socket_from_json(const json& value, const FieldReader& reader, const std::string& field) {
    reader.object(value, field);
    Socket socket;
    for (const char* required : {"transport", "address", "port"}) {
        if (!value.contains(required))
            reader.fail(field + "." + required, "a value (it is missing)");
    }
    std::string transport = reader.string(value["transport"], field + ".transport");
    std::optional<deploy::Transport> parsed = deploy::parse_transport(transport);
    if (!parsed) reader.fail(field + ".transport", "\"tcp\" or \"udp\"");
    socket.transport = *parsed;
    socket.address = reader.string(value["address"], field + ".address");
    socket.port = reader.integer(value["port"], field + ".port", 1, 65535);
    if (value.contains("pid"))
        socket.pid = reader.integer(value["pid"], field + ".pid", 0, max_pid);
    if (value.contains("command"))
        socket.command = reader.string(value["command"], field + ".command");
    return socket;
}

std::vector<Socket> sockets_from_json(const json& value, const FieldReader& reader,
                                      const std::string& field) {
    reader.array(value, field);
    std::vector<Socket> sockets;
    for (std::size_t i = 0; i < value.size(); ++i) {
        sockets.push_back(
            socket_from_json(value[i], reader, field + "[" + std::to_string(i) + "]"));
    }
    return sockets;
}

json sockets_to_json(const std::vector<Socket>& sockets) {
    json out = json::array();
    for (const Socket& socket : sockets) out.push_back(socket_to_json(socket));
    return out;
}

Instance instance_from(const json& value, const FieldReader& reader, const std::string& prefix) {
    reader.object(value, prefix.empty() ? "(document)" : prefix);
    std::string dot = prefix.empty() ? "" : prefix + ".";
    Instance instance;
    if (!value.contains("pid")) reader.fail(dot + "pid", "a value (it is missing)");
    instance.pid = reader.integer(value["pid"], dot + "pid", 1, max_pid);
    if (value.contains("state_dir")) {
        instance.state_dir = reader.string(value["state_dir"], dot + "state_dir");
    }
    if (value.contains("ports"))
        instance.ports = sockets_from_json(value["ports"], reader, dot + "ports");
    return instance;
}

// Reads one top-level field; false for a field the schema does not have.
bool read_top_level(Snapshot& snapshot, const std::string& key, const json& value,
                    const FieldReader& reader) {
    if (key == "version") {
        reader.integer(value, key, snapshot_version, snapshot_version);
    } else if (key == "probed") {
        snapshot.probed = reader.boolean(value, key);
    } else if (key == "sockets") {
        snapshot.sockets = sockets_from_json(value, reader, key);
    } else if (key == "addresses") {
        reader.array(value, key);
        for (std::size_t i = 0; i < value.size(); ++i) {
            snapshot.addresses.push_back(
                reader.string(value[i], key + "[" + std::to_string(i) + "]"));
        }
    } else if (key == "default_route_address") {
        snapshot.default_route_address = reader.string(value, key);
    } else if (key == "ephemeral_range") {
        if (!value.is_array() || value.size() != 2) reader.fail(key, "an array [low, high]");
        snapshot.ephemeral_low = reader.integer(value[0], key + "[0]", 1, 65535);
        snapshot.ephemeral_high = reader.integer(value[1], key + "[1]", 1, 65535);
        if (snapshot.ephemeral_low > snapshot.ephemeral_high) reader.fail(key, "low <= high");
    } else if (key == "unprivileged_port_start") {
        snapshot.unprivileged_port_start = reader.integer(value, key, 0, 65536);
    } else if (key == "can_bind_privileged") {
        snapshot.can_bind_privileged = reader.boolean(value, key);
    } else if (key == "bindv6only") {
        snapshot.bindv6only = reader.boolean(value, key);
    } else if (key == "instances") {
        reader.array(value, key);
        for (std::size_t i = 0; i < value.size(); ++i) {
            snapshot.instances.push_back(
                instance_from(value[i], reader, key + "[" + std::to_string(i) + "]"));
        }
    } else if (key == "time") {
        snapshot.time = time_from_json(value, reader.file(), key);
    } else if (key == "certificates") {
        snapshot.certificates = certificates_from_json(value, reader.file());
    } else {
        return false;
    }
    return true;
}

}  // namespace

bool Snapshot::is_local_address(const std::string& address) const {
    if (deploy::is_loopback(address)) return true;
    std::optional<deploy::IpAddress> wanted = deploy::parse_ip(address);
    return std::any_of(addresses.begin(), addresses.end(), [&](const std::string& local) {
        if (!wanted) return local == address;
        std::optional<deploy::IpAddress> ip = deploy::parse_ip(local);
        return ip && ip->unmapped() == wanted->unmapped();
    });
}

json to_json(const Snapshot& snapshot) {
    json instances = json::array();
    for (const Instance& instance : snapshot.instances)
        instances.push_back(instance_to_json(instance));
    json out{{"version", snapshot_version},
             {"probed", snapshot.probed},
             {"sockets", sockets_to_json(snapshot.sockets)},
             {"addresses", snapshot.addresses},
             {"default_route_address", snapshot.default_route_address},
             {"ephemeral_range", {snapshot.ephemeral_low, snapshot.ephemeral_high}},
             {"unprivileged_port_start", snapshot.unprivileged_port_start},
             {"can_bind_privileged", snapshot.can_bind_privileged},
             {"bindv6only", snapshot.bindv6only},
             {"instances", instances}};
    if (snapshot.time) out["time"] = time_to_json(*snapshot.time);
    if (!snapshot.certificates.empty())
        out["certificates"] = certificates_to_json(snapshot.certificates);
    return out;
}

Snapshot from_json(const json& value, const std::string& file) {
    FieldReader reader(file);
    if (!value.is_object()) {
        throw config::InputError(config::Position{file, 0, 0},
                                 "expected a JSON object (a host snapshot)");
    }
    Snapshot snapshot;
    snapshot.probed = true;
    for (const auto& [key, field] : value.items()) {
        if (!read_top_level(snapshot, key, field, reader)) {
            throw config::InputError(config::Position{file, 0, 0},
                                     "field " + key + ": unknown field of a host snapshot");
        }
    }
    return snapshot;
}

json instance_to_json(const Instance& instance) {
    return json{{"pid", instance.pid},
                {"state_dir", instance.state_dir},
                {"ports", sockets_to_json(instance.ports)}};
}

Instance instance_from_json(const json& value, const std::string& file) {
    return instance_from(value, FieldReader(file), "");
}

}  // namespace xiaozhi::host
