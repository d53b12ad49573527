// Tests of how simulated devices classify failures: whole runs in-process against fake servers
// that misbehave in one way each (refused upgrade, close 1011, no hello, bad OTA answers, ...).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <string_view>

#include "fake_device_server.hpp"
#include "simulation.hpp"

using namespace xiaozhi::simulator;
using namespace xiaozhi::test;
using namespace std::chrono_literals;

namespace {

// The errors by class as "class=count class=count", readable when a check fails.
std::string classes(const std::map<std::string, std::uint64_t>& errors) {
    std::string text;
    for (const auto& [error_class, count] : errors) {
        if (!text.empty()) text += ' ';
        text += error_class + "=" + std::to_string(count);
    }
    return text;
}

const UplinkAudio& uplink() {
    static const UplinkAudio audio = speech_uplink(120, 60, 1);
    return audio;
}

// One turn, short timeouts, at most 2 threads: every case ends well within a second.
SimulationOptions quick_options(std::uint32_t devices) {
    SimulationOptions options;
    options.devices = devices;
    options.turns = 1;
    options.pause = 10ms;
    options.hello_timeout = 300ms;
    options.reply_timeout = 300ms;
    options.connect_timeout = 1000ms;
    options.threads = 2;
    return options;
}

RunResult run(const SimulationOptions& options) {
    return run_simulation(options, uplink(), {});
}

bool contains(const std::vector<std::string>& texts, std::string_view part) {
    return std::any_of(texts.begin(), texts.end(), [&](const std::string& text) {
        return text.find(part) != std::string::npos;
    });
}

// The device's hello, checked by the scripts that wait for it before answering.
bool is_device_hello(const std::string& text) {
    return text.find(R"("type":"hello")") != std::string::npos;
}

}  // namespace

TEST_CASE("a refused upgrade is classed by its HTTP status", "[errors][upgrade]") {
    SeenList authorizations;
    FakeServer server(2, [&](tcp::socket& socket) {
        const auto request = read_request(socket);
        authorizations.add(std::string(request[http::field::authorization]));
        respond(socket, http::status::unauthorized, R"({"error":"unauthorized"})");
    });
    auto options = quick_options(2);
    options.ws_url = server.ws_url();
    options.token = "t0k";
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "upgrade_rejected_401=2");
    CHECK(result.figures[Counter::errors] == 2);
    CHECK(result.figures[Counter::devices_started] == 2);
    CHECK(result.figures[Counter::devices_failed] == 2);
    CHECK(result.figures[Counter::devices_done] == 0);
    CHECK(result.figures[Counter::connected] == 0);
    CHECK(result.figures[Counter::hello_ok] == 0);
    CHECK(authorizations.items() == std::vector<std::string>{"Bearer t0k", "Bearer t0k"});
}

TEST_CASE("an upgrade answered by a dropped connection is upgrade_failed", "[errors][upgrade]") {
    FakeServer server(1, [](tcp::socket& socket) { read_request(socket); });
    auto options = quick_options(1);
    options.ws_url = server.ws_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "upgrade_failed=1");
    CHECK(result.figures[Counter::devices_failed] == 1);
    CHECK(result.figures[Counter::connected] == 0);
}

TEST_CASE("a close frame right after the upgrade is classed by its code", "[errors][close]") {
    FakeServer server(3, [](tcp::socket& socket) {
        WebSocket ws(socket);
        accept_websocket(ws);
        ws.close(websocket::close_reason(websocket::close_code::internal_error));
    });
    auto options = quick_options(3);
    options.ws_url = server.ws_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "closed_by_server_1011=3");
    CHECK(result.figures[Counter::connected] == 3);
    CHECK(result.figures[Counter::hello_ok] == 0);
    CHECK(result.figures[Counter::devices_failed] == 3);
    CHECK(result.figures[Counter::devices_done] == 0);
}

TEST_CASE("a server that never answers the hello gives hello_timeout", "[errors][hello]") {
    SeenList hellos;
    FakeServer server(2, [&](tcp::socket& socket) {
        WebSocket ws(socket);
        accept_websocket(ws);
        const Received received = read_until_end(ws);
        for (const auto& text : received.texts) {
            if (is_device_hello(text)) hellos.add(text);
        }
    });
    auto options = quick_options(2);
    options.ws_url = server.ws_url();
    const auto started = std::chrono::steady_clock::now();
    const RunResult result = run(options);
    const auto took = std::chrono::steady_clock::now() - started;
    server.stop();

    CHECK(classes(result.figures.errors) == "hello_timeout=2");
    CHECK(result.figures[Counter::connected] == 2);
    CHECK(result.figures[Counter::hello_ok] == 0);
    CHECK(result.figures[Counter::devices_failed] == 2);
    CHECK(result.figures[Counter::turns_started] == 0);
    // The devices did say hello, then waited hello_timeout before giving up.
    CHECK(hellos.items().size() == 2);
    CHECK(took >= 300ms);
}

TEST_CASE("a hello with another transport is hello_invalid", "[errors][hello]") {
    FakeServer server(1, [](tcp::socket& socket) {
        WebSocket ws(socket);
        accept_websocket(ws);
        if (!is_device_hello(read_message(ws))) return;
        send_text(ws, R"({"type":"hello","transport":"udp","session_id":"s1",)"
                      R"("audio_params":{"format":"opus","sample_rate":24000,"channels":1,)"
                      R"("frame_duration":60}})");
        read_until_end(ws);
    });
    auto options = quick_options(1);
    options.ws_url = server.ws_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "hello_invalid=1");
    CHECK(result.figures[Counter::connected] == 1);
    CHECK(result.figures[Counter::hello_ok] == 0);
    CHECK(result.figures[Counter::text_received] == 1);
    CHECK(result.figures[Counter::devices_failed] == 1);
}

TEST_CASE("a connection dropped after the hello is connection_lost", "[errors][close]") {
    FakeServer server(2, [](tcp::socket& socket) {
        WebSocket ws(socket);
        accept_websocket(ws);
        if (!is_device_hello(read_message(ws))) return;
        send_text(ws, kServerHello);
        // FIN without a close frame; then take whatever the device still sends.
        socket.shutdown(tcp::socket::shutdown_send);
        drain(socket);
    });
    auto options = quick_options(2);
    options.ws_url = server.ws_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "connection_lost=2");
    CHECK(result.figures[Counter::hello_ok] == 2);
    CHECK(result.figures[Counter::devices_failed] == 2);
    CHECK(result.figures[Counter::devices_done] == 0);
    CHECK(result.figures[Counter::turns_completed] == 0);
}

TEST_CASE("an undecodable binary frame is counted but does not fail the device",
          "[errors][frames]") {
    SeenList closes;
    FakeServer server(2, [&](tcp::socket& socket) {
        WebSocket ws(socket);
        accept_websocket(ws);
        if (!is_device_hello(read_message(ws))) return;
        send_text(ws, kServerHello);
        send_binary(ws, {0x01, 0x02, 0x03});  // shorter than a v2 header
        send_text(ws, R"({"type":"tts","state":"start","session_id":"s1"})");
        send_text(ws, R"({"type":"tts","state":"stop","session_id":"s1"})");
        const Received received = read_until_end(ws);
        if (received.close_frame && contains(received.texts, R"("state":"start")")) {
            closes.add("closed after listen start");
        }
    });
    auto options = quick_options(2);
    options.ws_url = server.ws_url();
    options.protocol = xiaozhi::protocol::BinaryProtocol::v2;
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "bad_frame=2");
    CHECK(result.figures[Counter::bad_frames] == 2);
    CHECK(result.figures[Counter::frames_received] == 2);
    CHECK(result.figures[Counter::hello_ok] == 2);
    CHECK(result.figures[Counter::turns_completed] == 2);
    CHECK(result.figures[Counter::devices_done] == 2);
    CHECK(result.figures[Counter::devices_failed] == 0);
    // Each device finished its turn and closed with a close frame.
    CHECK(closes.items().size() == 2);
}

TEST_CASE("a server that never replies to a turn gives reply_timeout", "[errors][turns]") {
    SeenList seen;
    FakeServer server(1, [&](tcp::socket& socket) {
        WebSocket ws(socket);
        accept_websocket(ws);
        if (!is_device_hello(read_message(ws))) return;
        send_text(ws, kServerHello);
        const Received received = read_until_end(ws);
        seen.add("binary " + std::to_string(received.binary_frames));
        if (contains(received.texts, R"("state":"stop")")) seen.add("listen stop");
    });
    auto options = quick_options(1);
    options.ws_url = server.ws_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "reply_timeout=1");
    CHECK(result.figures[Counter::hello_ok] == 1);
    CHECK(result.figures[Counter::turns_started] == 1);
    CHECK(result.figures[Counter::turns_completed] == 0);
    CHECK(result.figures[Counter::frames_sent] == uplink().packets.size());
    CHECK(result.figures[Counter::devices_failed] == 1);
    // The whole 120 ms utterance went up, then `listen stop`.
    CHECK(seen.items() == std::vector<std::string>{"binary 2", "listen stop"});
}

TEST_CASE("nothing listening on the WebSocket port is connect_refused", "[errors][connect]") {
    auto options = quick_options(3);
    options.ws_url = "ws://127.0.0.1:" + std::to_string(closed_port()) + "/xiaozhi/v1/";
    const RunResult result = run(options);

    CHECK(classes(result.figures.errors) == "connect_refused=3");
    CHECK(result.figures[Counter::devices_started] == 3);
    CHECK(result.figures[Counter::devices_failed] == 3);
    CHECK(result.figures[Counter::connected] == 0);
}

TEST_CASE("OTA failures are classed by status and answer", "[errors][ota]") {
    struct Case {
        http::status status;
        std::string body;
        std::string error_class;
    };
    const Case which = GENERATE(
        Case{http::status::service_unavailable, R"({"success":false})", "ota_http_503"},
        Case{http::status::ok, "OTA interface is running normally", "ota_bad_answer"},
        Case{http::status::ok, R"({"firmware":{"version":"1.0.0","url":""}})", "ota_no_websocket"});
    CAPTURE(which.error_class);

    SeenList requests;
    FakeServer server(2, [&](tcp::socket& socket) {
        const auto request = read_request(socket);
        if (request.method() == http::verb::post && !request["Device-Id"].empty() &&
            request.body().find("\"mac_address\"") != std::string::npos) {
            requests.add(std::string(request.target()));
        }
        respond(socket, which.status, which.body);
    });
    auto options = quick_options(2);
    options.ota_url = server.ota_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == which.error_class + "=2");
    CHECK(result.figures[Counter::ota_ok] == 0);
    CHECK(result.figures[Counter::connected] == 0);
    CHECK(result.figures[Counter::devices_failed] == 2);
    CHECK(requests.items() == std::vector<std::string>{"/xiaozhi/ota/", "/xiaozhi/ota/"});
}

TEST_CASE("nothing listening on the OTA port is ota_connect_refused", "[errors][ota]") {
    auto options = quick_options(1);
    options.ota_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/xiaozhi/ota/";
    const RunResult result = run(options);

    CHECK(classes(result.figures.errors) == "ota_connect_refused=1");
    CHECK(result.figures[Counter::devices_failed] == 1);
    CHECK(result.figures[Counter::ota_ok] == 0);
}

TEST_CASE("after a good OTA answer the device connects with its token and version",
          "[errors][ota]") {
    SeenList upgrades;
    FakeServer websocket_server(1, [&](tcp::socket& socket) {
        const auto request = read_request(socket);
        upgrades.add(std::string(request[http::field::authorization]) + " v" +
                     std::string(request["Protocol-Version"]));
        respond(socket, http::status::unauthorized, R"({"error":"unauthorized"})");
    });
    const std::string answer = R"({"firmware":{"version":"1.0.0","url":""},"websocket":{"url":")" +
                               websocket_server.ws_url() + R"(","token":"t0k","version":2}})";
    FakeServer ota_server(1, [&](tcp::socket& socket) {
        read_request(socket);
        respond(socket, http::status::ok, answer);
    });
    auto options = quick_options(1);
    options.ota_url = ota_server.ota_url();
    const RunResult result = run(options);
    ota_server.stop();
    websocket_server.stop();

    CHECK(result.figures[Counter::ota_ok] == 1);
    CHECK(classes(result.figures.errors) == "upgrade_rejected_401=1");
    CHECK(result.figures[Counter::devices_failed] == 1);
    CHECK(upgrades.items() == std::vector<std::string>{"Bearer t0k v2"});
}

TEST_CASE("a wss:// address whose server speaks plain HTTP is tls_handshake, with the reason",
          "[errors][tls]") {
    std::uint16_t port = 0;
    std::atomic<int> connections{0};
    FakeServer server(2, [&](tcp::socket& socket) {
        if (connections++ == 0) {
            // The OTA request: the answer hands out wss:// on this same plain port.
            read_request(socket);
            respond(socket, http::status::ok,
                    R"({"websocket":{"url":"wss://127.0.0.1:)" + std::to_string(port) +
                        R"(/xiaozhi/v1/"}})");
            return;
        }
        std::array<char, 4096> client_hello{};
        socket.read_some(boost::asio::buffer(client_hello));
        respond(socket, http::status::bad_request, "not TLS", "text/plain");
    });
    port = server.port();
    auto options = quick_options(1);
    options.ota_url = server.ota_url();
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "tls_handshake=1");
    CHECK(result.figures[Counter::ota_ok] == 1);
    CHECK(result.figures[Counter::connected] == 0);
    CHECK(result.figures[Latency::tls_handshake].count() == 0);
    REQUIRE(result.figures.reasons.count("tls_handshake") == 1);
    CHECK(
        result.figures.reasons.at("tls_handshake") ==
        std::vector<std::string>{"wrong version number (127.0.0.1:" + std::to_string(port) + ")"});
}

TEST_CASE("an https:// OTA URL whose server speaks plain HTTP is ota_tls_handshake",
          "[errors][tls]") {
    FakeServer server(1, [&](tcp::socket& socket) {
        std::array<char, 4096> client_hello{};
        socket.read_some(boost::asio::buffer(client_hello));
        respond(socket, http::status::bad_request, "not TLS", "text/plain");
    });
    auto options = quick_options(1);
    options.ota_url = "https://127.0.0.1:" + std::to_string(server.port()) + "/xiaozhi/ota/";
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "ota_tls_handshake=1");
    CHECK(result.figures[Counter::ota_ok] == 0);
    CHECK(result.figures[Counter::devices_failed] == 1);
}

TEST_CASE("a server that never answers the TLS hello is tls_handshake_timeout", "[errors][tls]") {
    FakeServer server(1, [](tcp::socket& socket) { drain(socket); });
    auto options = quick_options(1);
    options.connect_timeout = 300ms;
    options.ws_url = "wss://127.0.0.1:" + std::to_string(server.port()) + "/xiaozhi/v1/";
    const RunResult result = run(options);
    server.stop();

    CHECK(classes(result.figures.errors) == "tls_handshake_timeout=1");
    CHECK(result.figures[Counter::devices_failed] == 1);
}
