// Tests of the parsers for /proc text: socket tables, fib_trie, if_inet6, sysctls, status, cmdline.
#include <catch2/catch.hpp>

#include "host/proc_text.hpp"

using namespace xiaozhi::host;

TEST_CASE("decode_net_address reads the kernel's per-word host byte order") {
    CHECK(proc::decode_net_address("0100007F") == "127.0.0.1");
    CHECK(proc::decode_net_address("00000000") == "0.0.0.0");
    CHECK(proc::decode_net_address("0501A8C0") == "192.168.1.5");
    CHECK(proc::decode_net_address("00000000000000000000000000000000") == "::");
    CHECK(proc::decode_net_address("00000000000000000000000001000000") == "::1");
    CHECK(proc::decode_net_address("0000000000000000FFFF00000501A8C0") == "::ffff:192.168.1.5");
    CHECK(proc::decode_net_address("000080FE00000000FF00FC00010000FE") == "fe80::fc:ff:fe00:1");
    CHECK_FALSE(proc::decode_net_address("0100007"));
    CHECK_FALSE(proc::decode_net_address("0100007G"));
    CHECK_FALSE(proc::decode_net_address(""));
}

TEST_CASE("parse_net_table reads every socket line and skips the header and junk") {
    const char* text =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n"
        "   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        "
        "0 1001 1 0000000000000000 100 0 0 10 0\n"
        "   1: 0501A8C0:1F40 0A01A8C0:C350 01 00000000:00000000 00:00000000 00000000  1000        "
        "0 1003 1 0000000000000000 20 4 30 10 -1\n"
        "garbage line\n"
        "   2: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        "
        "0 1004 1\n";
    std::vector<proc::NetEntry> entries = proc::parse_net_table(text);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].address == "0.0.0.0");
    CHECK(entries[0].port == 8000);
    CHECK(entries[0].state == 0x0A);
    CHECK(entries[0].inode == 1001);
    CHECK(entries[1].address == "192.168.1.5");
    CHECK(entries[1].state == 0x01);
    CHECK(entries[1].inode == 1003);
}

TEST_CASE("parse_fib_trie_local keeps the /32 host LOCAL addresses once") {
    const char* text =
        "Main:\n"
        "  +-- 0.0.0.0/0 3 0 5\n"
        "     |-- 0.0.0.0\n"
        "        /0 universe UNICAST\n"
        "     +-- 127.0.0.0/8 2 0 2\n"
        "        +-- 127.0.0.0/31 1 0 0\n"
        "           |-- 127.0.0.0\n"
        "              /8 host LOCAL\n"
        "           |-- 127.0.0.1\n"
        "              /32 host LOCAL\n"
        "        |-- 127.255.255.255\n"
        "           /32 link BROADCAST\n"
        "     +-- 192.168.1.0/24 2 0 2\n"
        "        |-- 192.168.1.0\n"
        "           /24 link UNICAST\n"
        "        |-- 192.168.1.5\n"
        "           /32 host LOCAL\n"
        "Local:\n"
        "  +-- 0.0.0.0/0 3 0 5\n"
        "           |-- 127.0.0.1\n"
        "              /32 host LOCAL\n"
        "        |-- 192.168.1.5\n"
        "           /32 host LOCAL\n";
    CHECK(proc::parse_fib_trie_local(text) == std::vector<std::string>{"127.0.0.1", "192.168.1.5"});
    CHECK(proc::parse_fib_trie_local("").empty());
}

TEST_CASE("parse_if_inet6 reads addresses in network order") {
    const char* text =
        "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
        "00000000000000000000000000000001 01 80 10 80       lo\n"
        "fd000000000000000000000000000002 04 40 00 82     eth0\n"
        "short 01 80 10 80 lo\n";
    CHECK(proc::parse_if_inet6(text) ==
          std::vector<std::string>{"fe80::fc:ff:fe00:1", "::1", "fd00::2"});
}

TEST_CASE("sysctl values") {
    CHECK(proc::parse_single_int("1024\n") == 1024);
    CHECK(proc::parse_single_int(" 0 ") == 0);
    CHECK_FALSE(proc::parse_single_int("x"));
    CHECK_FALSE(proc::parse_single_int(""));
    CHECK(proc::parse_port_range("32768\t60999\n") == std::pair{32768, 60999});
    CHECK(proc::parse_port_range("1024 65535") == std::pair{1024, 65535});
    CHECK_FALSE(proc::parse_port_range("60999\t32768\n"));
    CHECK_FALSE(proc::parse_port_range("32768\n"));
    CHECK_FALSE(proc::parse_port_range("0 100"));
}

TEST_CASE("effective capabilities from a status file") {
    const char* status =
        "Name:\tcat\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
        "CapEff:\t0000000000000400\nCapBnd:\t000001ffffffffff\n";
    CHECK(proc::parse_effective_capabilities(status) == 0x400u);
    CHECK_FALSE(proc::parse_effective_capabilities("Name:\tcat\n"));
}

TEST_CASE("socket fd links") {
    CHECK(proc::socket_inode("socket:[123]") == 123u);
    CHECK_FALSE(proc::socket_inode("pipe:[123]"));
    CHECK_FALSE(proc::socket_inode("/dev/null"));
    CHECK_FALSE(proc::socket_inode("socket:[]"));
    CHECK_FALSE(proc::socket_inode("socket:[12a]"));
}

TEST_CASE("command lines: NULs to spaces, bytes that are not UTF-8 to '?'") {
    using namespace std::string_literals;
    CHECK(proc::command_line("xiaozhi\0serve\0--config\0x.toml\0"s) ==
          "xiaozhi serve --config x.toml");
    CHECK(proc::command_line("python3\0app.py\0\0"s) == "python3 app.py");
    CHECK(proc::command_line("name\xff\0"s) == "name?");
    CHECK(proc::command_line("小智\0"s) == "小智");
    CHECK(proc::command_line("\xe5\xb0"s) == "??");
    CHECK(proc::command_line(""s).empty());
}

TEST_CASE("default_route_address is the local address in the default route's subnet") {
    const std::string route =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
        "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
        "eth0\t00000000\t010AA8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
        "eth0\t000AA8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
        "wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n";
    const std::vector<std::string> local = {"127.0.0.1", "172.17.0.1", "192.168.1.33",
                                            "192.168.10.20"};
    CHECK(proc::default_route_address(route, local) == "192.168.10.20");
    CHECK(proc::default_route_address(route, {"127.0.0.1", "172.17.0.1"}).empty());
    CHECK(proc::default_route_address("Iface\tDestination\n", local).empty());
}
