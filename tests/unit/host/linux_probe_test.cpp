// Tests of the Linux probe against a fake /proc tree, and one smoke test of the real /proc.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "host/linux_probe.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using deploy::Transport;
using namespace std::string_literals;

namespace {

const std::string table_header =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n";

std::string tcp_line(const std::string& local, const std::string& remote, const char* state,
                     int inode) {
    return "   0: " + local + " " + remote + " " + state +
           " 00000000:00000000 00:00000000 00000000  1000        0 " + std::to_string(inode) +
           " 1 0000000000000000 100 0 0 10 0\n";
}

const std::string v6_any = "00000000000000000000000000000000";

// A /proc tree with sockets of several processes, addresses and sysctls.
void write_fake_proc(const test::TempDir& proc) {
    proc.write("net/tcp",
               table_header + tcp_line("00000000:1F40", "00000000:0000", "0A", 1001) +
                   tcp_line("00000000:1F40", "00000000:0000", "0A", 1001) +  // listed twice
                   tcp_line("0100007F:1F43", "00000000:0000", "0A", 1002) +
                   tcp_line("0501A8C0:1F40", "0A01A8C0:C350", "01", 1003) +  // a connection
                   tcp_line("3500007F:0035", "00000000:0000", "0A", 1004));  // no visible owner
    proc.write("net/tcp6",
               table_header + tcp_line(v6_any + ":1F40", v6_any + ":0000", "0A", 2001) +
                   tcp_line("00000000000000000000000001000000:1F41", v6_any + ":0000", "0A", 2002) +
                   tcp_line("0000000000000000FFFF00000501A8C0:1F42", v6_any + ":0000", "0A", 2003) +
                   tcp_line(v6_any + ":1F44", "00000000000000000000000001000000:D431", "06", 2004));
    proc.write("net/udp",
               table_header + tcp_line("00000000:22B4", "00000000:0000", "07", 3001) +
                   tcp_line("0501A8C0:A000", "08080808:0035", "01", 3002) +  // connected UDP
                   tcp_line("00000000:0000", "00000000:0000", "07", 3003));  // port 0
    proc.write("net/udp6", table_header);
    proc.write("net/fib_trie",
               "Main:\n"
               "  +-- 0.0.0.0/0 3 0 5\n"
               "     |-- 0.0.0.0\n"
               "        /0 universe UNICAST\n"
               "     +-- 127.0.0.0/8 2 0 2\n"
               "           |-- 127.0.0.1\n"
               "              /32 host LOCAL\n"
               "     +-- 192.168.1.0/24 2 0 2\n"
               "        |-- 192.168.1.5\n"
               "           /32 host LOCAL\n"
               "        |-- 192.168.1.255\n"
               "           /32 link BROADCAST\n"
               "Local:\n"
               "        |-- 192.168.1.5\n"
               "           /32 host LOCAL\n");
    proc.write("net/if_inet6",
               "00000000000000000000000000000001 01 80 10 80       lo\n"
               "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n");
    proc.write("sys/net/ipv4/ip_local_port_range", "40000\t50000\n");
    proc.write("sys/net/ipv4/ip_unprivileged_port_start", "1024\n");
    proc.write("sys/net/ipv6/bindv6only", "1\n");
    proc.write("self/status", "Name:\txiaozhi\nCapEff:\t0000000000000000\n");

    proc.link("100/fd/0", "/dev/null");
    proc.link("100/fd/3", "socket:[1001]");
    proc.link("100/fd/4", "socket:[2001]");
    proc.link("100/fd/5", "pipe:[1002]");
    proc.write("100/cmdline", "xiaozhi\0serve\0--config\0x.toml\0"s);
    proc.link("201/fd/7", "socket:[1002]");
    proc.write("201/cmdline", "python3\0worker.py\0"s);
    proc.link("200/fd/5", "socket:[1002]");
    proc.write("200/cmdline", "python3\0app.py\0"s);
    proc.link("300/fd/1", "socket:[3001]");
    proc.write("300/cmdline", "");
    proc.write("300/comm", "gateway\n");
    proc.link("400/fd/9", "socket:[2002]");
    proc.link("400/fd/10", "socket:[2003]");
    proc.write("400/cmdline", "odd\xff\0name\0"s);
    proc.write("500/cmdline", "no-fd-dir\0"s);
    proc.link("net/fd/1", "socket:[2004]");  // not a pid directory
}

const host::Socket* find_socket(const host::Snapshot& snapshot, Transport transport,
                                const std::string& address, int port) {
    for (const host::Socket& socket : snapshot.sockets) {
        if (socket.transport == transport && socket.address == address && socket.port == port) {
            return &socket;
        }
    }
    return nullptr;
}

}  // namespace

TEST_CASE("probe of a fake /proc: listening sockets with their processes") {
    test::TempDir proc;
    write_fake_proc(proc);
    host::Snapshot snapshot = host::probe_linux(host::ProbeOptions{proc.path(), {}});
    CHECK(snapshot.probed);

    struct Expected {
        Transport transport;
        const char* address;
        int port;
        int pid;
        const char* command;
    };
    const Expected expected[] = {
        {Transport::tcp, "127.0.0.53", 53, 0, ""},
        {Transport::tcp, "0.0.0.0", 8000, 100, "xiaozhi serve --config x.toml"},
        {Transport::tcp, "::", 8000, 100, "xiaozhi serve --config x.toml"},
        {Transport::tcp, "::1", 8001, 400, "odd? name"},
        {Transport::tcp, "::ffff:192.168.1.5", 8002, 400, "odd? name"},
        {Transport::tcp, "127.0.0.1", 8003, 200, "python3 app.py"},
        {Transport::udp, "0.0.0.0", 8884, 300, "[gateway]"},
    };
    REQUIRE(snapshot.sockets.size() == std::size(expected));
    for (std::size_t i = 0; i < std::size(expected); ++i) {
        const host::Socket& socket = snapshot.sockets[i];
        CAPTURE(i);
        CHECK(socket.transport == expected[i].transport);
        CHECK(socket.address == expected[i].address);
        CHECK(socket.port == expected[i].port);
        CHECK(socket.pid == expected[i].pid);
        CHECK(socket.command == expected[i].command);
    }
    CHECK(find_socket(snapshot, Transport::tcp, "192.168.1.5", 8000) == nullptr);
    CHECK(find_socket(snapshot, Transport::tcp, "::", 8004) == nullptr);
    CHECK(find_socket(snapshot, Transport::udp, "192.168.1.5", 40960) == nullptr);
}

TEST_CASE("probe of a fake /proc: addresses, port limits, privilege") {
    test::TempDir proc;
    write_fake_proc(proc);
    host::Snapshot snapshot = host::probe_linux(host::ProbeOptions{proc.path(), {}});
    CHECK(snapshot.addresses ==
          std::vector<std::string>{"127.0.0.1", "192.168.1.5", "::1", "fe80::fc:ff:fe00:1"});
    CHECK(snapshot.ephemeral_low == 40000);
    CHECK(snapshot.ephemeral_high == 50000);
    CHECK(snapshot.unprivileged_port_start == 1024);
    CHECK(snapshot.bindv6only);
    CHECK_FALSE(snapshot.can_bind_privileged);

    proc.write("self/status", "Name:\txiaozhi\nCapEff:\t0000000000000400\n");
    CHECK(host::probe_linux(host::ProbeOptions{proc.path(), {}}).can_bind_privileged);

    proc.write("self/status", "Name:\txiaozhi\nCapEff:\t000001fffffffbff\n");
    CHECK_FALSE(host::probe_linux(host::ProbeOptions{proc.path(), {}}).can_bind_privileged);

    proc.write("sys/net/ipv4/ip_unprivileged_port_start", "0\n");
    host::Snapshot open_ports = host::probe_linux(host::ProbeOptions{proc.path(), {}});
    CHECK(open_ports.unprivileged_port_start == 0);
    CHECK(open_ports.can_bind_privileged);
}

TEST_CASE("probe of a fake /proc: running instances from the state directories") {
    test::TempDir proc;
    write_fake_proc(proc);
    test::TempDir state;
    state.write(
        "running/ports.json",
        R"({"pid":100,"ports":[{"transport":"tcp","address":"0.0.0.0","port":8000,"pid":100}]})");
    state.write("stopped/ports.json", R"({"pid":999,"state_dir":"stopped","ports":[]})");
    state.write("broken/ports.json", "{not json");
    state.write("wrong/ports.json", R"({"pid":"100"})");
    std::vector<std::string> dirs = {state.path() + "/running", state.path() + "/stopped",
                                     state.path() + "/broken", state.path() + "/wrong",
                                     state.path() + "/absent"};
    host::Snapshot snapshot = host::probe_linux(host::ProbeOptions{proc.path(), dirs});
    REQUIRE(snapshot.instances.size() == 1);
    CHECK(snapshot.instances[0].pid == 100);
    CHECK(snapshot.instances[0].state_dir == state.path() + "/running");
    REQUIRE(snapshot.instances[0].ports.size() == 1);
    CHECK(snapshot.instances[0].ports[0].port == 8000);
}

TEST_CASE("probe of a missing or empty /proc keeps the defaults and does not throw") {
    test::TempDir empty;
    for (const std::string& root : {empty.path(), empty.path() + "/absent"}) {
        CAPTURE(root);
        host::Snapshot snapshot = host::probe_linux(host::ProbeOptions{root, {empty.path()}});
        CHECK(snapshot.probed);
        CHECK(snapshot.sockets.empty());
        CHECK(snapshot.addresses.empty());
        CHECK(snapshot.ephemeral_low == 32768);
        CHECK(snapshot.ephemeral_high == 60999);
        CHECK(snapshot.unprivileged_port_start == 1024);
        CHECK_FALSE(snapshot.bindv6only);
        CHECK(snapshot.can_bind_privileged == (::geteuid() == 0));
        CHECK(snapshot.instances.empty());
    }
}

TEST_CASE("probe of a fake /proc with malformed sysctls keeps the defaults") {
    test::TempDir proc;
    proc.write("sys/net/ipv4/ip_local_port_range", "60999 32768\n");
    proc.write("sys/net/ipv4/ip_unprivileged_port_start", "many\n");
    proc.write("sys/net/ipv6/bindv6only", "\n");
    proc.write("net/tcp", "not a table\n");
    host::Snapshot snapshot = host::probe_linux(host::ProbeOptions{proc.path(), {}});
    CHECK(snapshot.ephemeral_low == 32768);
    CHECK(snapshot.ephemeral_high == 60999);
    CHECK(snapshot.unprivileged_port_start == 1024);
    CHECK_FALSE(snapshot.bindv6only);
    CHECK(snapshot.sockets.empty());
}

TEST_CASE("probe of the real /proc finds addresses, a sane port range and our own listener") {
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    int port = ntohs(address.sin_port);

    host::Snapshot snapshot = host::probe_linux(host::ProbeOptions{});
    ::close(listener);

    CHECK(snapshot.probed);
    CHECK_FALSE(snapshot.addresses.empty());
    CHECK(std::find(snapshot.addresses.begin(), snapshot.addresses.end(), "127.0.0.1") !=
          snapshot.addresses.end());
    CHECK(snapshot.ephemeral_low >= 1);
    CHECK(snapshot.ephemeral_low <= snapshot.ephemeral_high);
    CHECK(snapshot.ephemeral_high <= 65535);
    const host::Socket* own = find_socket(snapshot, Transport::tcp, "127.0.0.1", port);
    REQUIRE(own != nullptr);
    CHECK(own->pid == ::getpid());
    CHECK(own->command.find("test_host") != std::string::npos);
}
