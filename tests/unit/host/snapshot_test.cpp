// Tests of the host snapshot: JSON form, validation errors, files, local addresses.
#include <catch2/catch.hpp>

#include <filesystem>

#include "config/input_error.hpp"
#include "host/snapshot.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using host::Snapshot;
using nlohmann::json;

namespace {

Snapshot full_snapshot() {
    Snapshot snapshot;
    snapshot.probed = true;
    snapshot.sockets = {
        {deploy::Transport::tcp, "0.0.0.0", 8000, 1234, "xiaozhi serve --config xiaozhi.toml"},
        {deploy::Transport::udp, "::", 8884, 0, ""},
    };
    snapshot.addresses = {"127.0.0.1", "192.168.1.5", "::1"};
    snapshot.ephemeral_low = 40000;
    snapshot.ephemeral_high = 50000;
    snapshot.unprivileged_port_start = 80;
    snapshot.can_bind_privileged = true;
    snapshot.bindv6only = true;
    snapshot.instances = {{1234,
                           "/srv/xiaozhi/data/state",
                           {{deploy::Transport::tcp, "0.0.0.0", 8000, 1234, "xiaozhi serve"}}}};
    return snapshot;
}

void check_same_socket(const host::Socket& a, const host::Socket& b) {
    CHECK(a.transport == b.transport);
    CHECK(a.address == b.address);
    CHECK(a.port == b.port);
    CHECK(a.pid == b.pid);
    CHECK(a.command == b.command);
}

void check_same(const Snapshot& a, const Snapshot& b) {
    CHECK(a.probed == b.probed);
    REQUIRE(a.sockets.size() == b.sockets.size());
    for (std::size_t i = 0; i < a.sockets.size(); ++i)
        check_same_socket(a.sockets[i], b.sockets[i]);
    CHECK(a.addresses == b.addresses);
    CHECK(a.ephemeral_low == b.ephemeral_low);
    CHECK(a.ephemeral_high == b.ephemeral_high);
    CHECK(a.unprivileged_port_start == b.unprivileged_port_start);
    CHECK(a.can_bind_privileged == b.can_bind_privileged);
    CHECK(a.bindv6only == b.bindv6only);
    REQUIRE(a.instances.size() == b.instances.size());
    for (std::size_t i = 0; i < a.instances.size(); ++i) {
        CHECK(a.instances[i].pid == b.instances[i].pid);
        CHECK(a.instances[i].state_dir == b.instances[i].state_dir);
        REQUIRE(a.instances[i].ports.size() == b.instances[i].ports.size());
        for (std::size_t k = 0; k < a.instances[i].ports.size(); ++k) {
            check_same_socket(a.instances[i].ports[k], b.instances[i].ports[k]);
        }
    }
}

std::string from_json_error(const std::string& text) {
    try {
        host::from_json(json::parse(text), "snap.json");
    } catch (const config::InputError& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE("to_json writes the documented schema") {
    json value = host::to_json(full_snapshot());
    CHECK(value["version"] == 1);
    CHECK(value["probed"] == true);
    CHECK(value["sockets"][0] == json{{"transport", "tcp"},
                                      {"address", "0.0.0.0"},
                                      {"port", 8000},
                                      {"pid", 1234},
                                      {"command", "xiaozhi serve --config xiaozhi.toml"}});
    CHECK(value["sockets"][1]["transport"] == "udp");
    CHECK(value["addresses"] == json{"127.0.0.1", "192.168.1.5", "::1"});
    CHECK(value["ephemeral_range"] == json{40000, 50000});
    CHECK(value["unprivileged_port_start"] == 80);
    CHECK(value["can_bind_privileged"] == true);
    CHECK(value["bindv6only"] == true);
    CHECK(value["instances"][0]["pid"] == 1234);
    CHECK(value["instances"][0]["state_dir"] == "/srv/xiaozhi/data/state");
    CHECK(value["instances"][0]["ports"][0]["port"] == 8000);
}

TEST_CASE("from_json reads what to_json wrote") {
    Snapshot original = full_snapshot();
    check_same(host::from_json(host::to_json(original), "snap.json"), original);

    Snapshot empty;
    check_same(host::from_json(host::to_json(empty), "snap.json"), empty);
}

TEST_CASE("from_json fills defaults for missing fields, a file describes a probed host") {
    Snapshot snapshot = host::from_json(
        json::parse(R"({"sockets":[{"transport":"udp","address":"::","port":8884}]})"), "s.json");
    CHECK(snapshot.probed);
    REQUIRE(snapshot.sockets.size() == 1);
    CHECK(snapshot.sockets[0].pid == 0);
    CHECK(snapshot.sockets[0].command.empty());
    CHECK(snapshot.ephemeral_low == 32768);
    CHECK(snapshot.ephemeral_high == 60999);
    CHECK(snapshot.unprivileged_port_start == 1024);
    CHECK_FALSE(snapshot.can_bind_privileged);

    CHECK_FALSE(host::from_json(json::parse(R"({"probed":false})"), "s.json").probed);
}

TEST_CASE("from_json names the file and the field of every validation error") {
    const std::pair<const char*, const char*> cases[] = {
        {"[]", "snap.json: expected a JSON object (a host snapshot)"},
        {R"({"version":2})", "snap.json: field version: expected an integer in 1..1"},
        {R"({"probed":"yes"})", "snap.json: field probed: expected true or false"},
        {R"({"sockets":{}})", "snap.json: field sockets: expected an array"},
        {R"({"sockets":[3]})", "snap.json: field sockets[0]: expected an object"},
        {R"({"sockets":[{"transport":"sctp","address":"0.0.0.0","port":1}]})",
         "snap.json: field sockets[0].transport: expected \"tcp\" or \"udp\""},
        {R"({"sockets":[{"transport":1,"address":"0.0.0.0","port":1}]})",
         "snap.json: field sockets[0].transport: expected a string"},
        {R"({"sockets":[{"transport":"tcp","address":"0.0.0.0","port":1},)"
         R"({"transport":"tcp","address":"0.0.0.0","port":70000}]})",
         "snap.json: field sockets[1].port: expected an integer in 1..65535"},
        {R"({"sockets":[{"transport":"tcp","address":"0.0.0.0","port":"8000"}]})",
         "snap.json: field sockets[0].port: expected an integer in 1..65535"},
        {R"({"sockets":[{"transport":"tcp","address":"0.0.0.0","port":8000.5}]})",
         "snap.json: field sockets[0].port: expected an integer in 1..65535"},
        {R"({"sockets":[{"transport":"tcp","port":8000}]})",
         "snap.json: field sockets[0].address: expected a value (it is missing)"},
        {R"({"sockets":[{"transport":"tcp","address":"::","port":8000,"pid":-5}]})",
         "snap.json: field sockets[0].pid: expected an integer in 0..2147483647"},
        {R"({"sockets":[{"transport":"tcp","address":"::","port":8000,)"
         R"("pid":18446744073709551615}]})",
         "snap.json: field sockets[0].pid: expected an integer in 0..2147483647"},
        {R"({"sockets":[{"transport":"tcp","address":"::","port":8000,"command":["a"]}]})",
         "snap.json: field sockets[0].command: expected a string"},
        {R"({"addresses":[1]})", "snap.json: field addresses[0]: expected a string"},
        {R"({"addresses":"::1"})", "snap.json: field addresses: expected an array"},
        {R"({"ephemeral_range":[60999,32768]})",
         "snap.json: field ephemeral_range: expected low <= high"},
        {R"({"ephemeral_range":[1]})",
         "snap.json: field ephemeral_range: expected an array [low, high]"},
        {R"({"ephemeral_range":[0,10]})",
         "snap.json: field ephemeral_range[0]: expected an integer in 1..65535"},
        {R"({"unprivileged_port_start":-1})",
         "snap.json: field unprivileged_port_start: expected an integer in 0..65536"},
        {R"({"can_bind_privileged":1})",
         "snap.json: field can_bind_privileged: expected true or false"},
        {R"({"bindv6only":null})", "snap.json: field bindv6only: expected true or false"},
        {R"({"instances":{}})", "snap.json: field instances: expected an array"},
        {R"({"instances":[{"state_dir":"x"}]})",
         "snap.json: field instances[0].pid: expected a value (it is missing)"},
        {R"({"instances":[{"pid":0}]})",
         "snap.json: field instances[0].pid: expected an integer in 1..2147483647"},
        {R"({"instances":[{"pid":5,"ports":[{"transport":"tcp","address":"::"}]}]})",
         "snap.json: field instances[0].ports[0].port: expected a value (it is missing)"},
        {R"({"sockest":[]})", "snap.json: field sockest: unknown field of a host snapshot"},
    };
    for (const auto& [text, message] : cases) {
        CAPTURE(text);
        CHECK(from_json_error(text) == message);
    }
}

TEST_CASE("instances: JSON round trip, validation, unknown fields ignored") {
    host::Instance instance{42, "data/state", {{deploy::Transport::udp, "0.0.0.0", 8884, 42, "x"}}};
    host::Instance copy = host::instance_from_json(host::instance_to_json(instance), "ports.json");
    CHECK(copy.pid == 42);
    CHECK(copy.state_dir == "data/state");
    REQUIRE(copy.ports.size() == 1);
    CHECK(copy.ports[0].transport == deploy::Transport::udp);

    host::Instance newer = host::instance_from_json(
        json::parse(R"({"pid":7,"started":"2024-01-01",)"
                    R"("ports":[{"transport":"tcp","address":"::","port":1,"fd":3}]})"),
        "ports.json");
    CHECK(newer.pid == 7);
    CHECK(newer.state_dir.empty());
    CHECK(newer.ports.size() == 1);

    CHECK_THROWS_WITH(host::instance_from_json(json::parse("[]"), "ports.json"),
                      "ports.json: field (document): expected an object");
    CHECK_THROWS_WITH(host::instance_from_json(json::parse(R"({"pid":"7"})"), "ports.json"),
                      "ports.json: field pid: expected an integer in 1..2147483647");
}

TEST_CASE("snapshot files: atomic write, read back, nothing left behind") {
    test::TempDir dir;
    std::string path = dir.path() + "/host.json";
    Snapshot original = full_snapshot();
    host::write_snapshot_file(original, path);
    check_same(host::read_snapshot_file(path), original);

    original.sockets.clear();
    host::write_snapshot_file(original, path);  // replaces the file
    CHECK(host::read_snapshot_file(path).sockets.empty());

    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        CHECK(entry.path().filename() == "host.json");
        ++files;
    }
    CHECK(files == 1);
}

TEST_CASE("snapshot files: commands that are not UTF-8 still write") {
    test::TempDir dir;
    Snapshot snapshot;
    snapshot.sockets = {{deploy::Transport::tcp, "0.0.0.0", 80, 1,
                         "bad\xff"
                         "byte"}};
    std::string path = dir.path() + "/host.json";
    host::write_snapshot_file(snapshot, path);
    CHECK(host::read_snapshot_file(path).sockets[0].command ==
          "bad\xEF\xBF\xBD"
          "byte");
}

TEST_CASE("instance files: write and read ports.json") {
    test::TempDir dir;
    std::string path = dir.path() + "/ports.json";
    host::write_instance_file(host::Instance{99, dir.path(), {}}, path);
    host::Instance read = host::read_instance_file(path);
    CHECK(read.pid == 99);
    CHECK(read.state_dir == dir.path());
}

TEST_CASE("snapshot files: the position of a JSON error counts characters, not bytes") {
    test::TempDir dir;
    std::string bad = dir.write("cjk.json", "{\n  \"note\": \"你好\" x\n}\n");
    try {
        host::read_snapshot_file(bad);
        FAIL("no error for invalid JSON");
    } catch (const config::InputError& error) {
        CHECK(error.position().line == 2);
        CHECK(error.position().column == 16);
    }
}

TEST_CASE("snapshot files: unreadable, not JSON, unwritable") {
    test::TempDir dir;
    std::string bad = dir.write("bad.json", "{\n  \"probed\": true,\n  \"sockets\": [,]\n}\n");
    try {
        host::read_snapshot_file(bad);
        FAIL("no error for invalid JSON");
    } catch (const config::InputError& error) {
        CHECK(error.position().file == bad);
        CHECK(error.position().line == 3);
        CHECK(error.position().column == 15);
        CHECK(error.message().find("invalid JSON: ") == 0);
        CHECK(error.message().find("[json.exception") == std::string::npos);
    }

    std::string truncated = dir.write("truncated.json", "{\"probed\": tr");
    try {
        host::read_snapshot_file(truncated);
        FAIL("no error for truncated JSON");
    } catch (const config::InputError& error) {
        CHECK(error.position().line == 1);
        CHECK(error.position().column >= 12);
    }

    std::string schema = dir.write("schema.json", R"({"probed": 1})");
    CHECK_THROWS_WITH(host::read_snapshot_file(schema),
                      schema + ": field probed: expected true or false");

    CHECK_THROWS_WITH(host::read_snapshot_file(dir.path() + "/missing.json"),
                      Catch::Matchers::Contains("missing.json: cannot read: No such file"));
    CHECK_THROWS_WITH(host::read_snapshot_file(dir.path()),
                      Catch::Matchers::Contains("not a regular file"));
    CHECK_THROWS_AS(host::write_snapshot_file(Snapshot{}, dir.path() + "/no/such/dir/host.json"),
                    config::InputError);
    CHECK_THROWS_WITH(host::write_snapshot_file(Snapshot{}, dir.path() + "/no/such/dir/host.json"),
                      Catch::Matchers::Contains("cannot write"));
}

TEST_CASE("is_local_address: loopback or one of the interface addresses") {
    Snapshot snapshot;
    snapshot.addresses = {"192.168.1.5", "fe80::1"};
    for (const char* address : {"192.168.1.5", "127.0.0.1", "127.0.0.53", "::1", "localhost",
                                "::ffff:192.168.1.5", "FE80:0::1"}) {
        CAPTURE(address);
        CHECK(snapshot.is_local_address(address));
    }
    for (const char* address :
         {"192.168.1.6", "10.0.0.1", "example.com", "0.0.0.0", "fe80::2", ""}) {
        CAPTURE(address);
        CHECK_FALSE(snapshot.is_local_address(address));
    }
    snapshot.addresses.push_back("myhost");
    CHECK(snapshot.is_local_address("myhost"));
}
