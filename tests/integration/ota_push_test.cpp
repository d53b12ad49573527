// `xiaozhi ota-push` against a real `xiaozhi serve`: checked pushes, 409/412, verification with
// rollback, history, firmware upload and offer, a server killed mid-upload.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>

#include "cli_harness.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace xiaozhi::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "ota-push-admin-token";

// A serve on loopback whose ports come from its file (so the remote layer can change them).
ServeProcess::Options serve_options() {
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.config_toml =
        std::string("[server]\nip = \"127.0.0.1\"\nport = ") + std::to_string(free_port()) +
        "\nhttp_port = " + std::to_string(free_port()) + "\nadmin_token = \"" + kToken + "\"\n";
    return options;
}

std::string server_url(const ServeProcess& serve) {
    return "http://127.0.0.1:" + std::to_string(serve.http_port());
}

Result ota_push(const ServeProcess& serve, std::vector<std::string> args) {
    args.insert(args.begin(), {"ota-push", "--server", server_url(serve)});
    Run run;
    run.args = std::move(args);
    run.env = {std::string("XIAOZHI_ADMIN_TOKEN=") + kToken};
    run.timeout_ms = 60000;
    Result result = run_xiaozhi(run);
    UNSCOPED_INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
    return result;
}

nlohmann::json ota_answer(int http_port, const std::string& model = "bread",
                          const std::string& version = "1.0.0") {
    HttpCall call;
    call.method = "POST";
    call.target = "/xiaozhi/ota/";
    call.headers = {{"Device-Id", "aa:bb:cc:dd:ee:ff"},
                    {"Client-Id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
                    {"Content-Type", "application/json"}};
    call.body = R"({"application": {"version": ")" + version + R"("}, "board": {"type": ")" +
                model + R"("}})";
    const HttpReply reply = http_call(http_port, call);
    INFO(reply.error << reply.body);
    REQUIRE(reply.status == 200);
    return parse_json(reply.body);
}

std::string websocket_url(const ServeProcess& serve) {
    return ota_answer(serve.http_port()).at("websocket").at("url");
}

HttpReply admin(const ServeProcess& serve, const std::string& method, const std::string& path,
                std::vector<std::pair<std::string, std::string>> headers = {},
                const std::string& body = "") {
    return admin_call(serve.http_port(), kToken, method, path, std::move(headers), body);
}

std::vector<std::string> rules_in(const nlohmann::json& findings) {
    std::vector<std::string> rules;
    for (const auto& finding : findings) rules.push_back(finding.at("rule"));
    return rules;
}

// The names in a folder; none when it does not exist (yet).
std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        names.push_back(it->path().filename().string());
    }
    return names;
}

bool has(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

TEST_CASE("ota-push moves the WebSocket port, the next OTA answer carries it, verified",
          "[ota-push]") {
    ServeProcess serve(serve_options());
    const int moved = free_port();
    const Result result = ota_push(
        serve, {"--set", "server.port=" + std::to_string(moved), "--message", "move the port"});
    REQUIRE(result.exit_code == 0);
    CHECK(contains(result.out, "~ server.port: " + std::to_string(serve.websocket_port()) + " -> " +
                                   std::to_string(moved)));
    CHECK(contains(result.out, "Pushed revision 1 (was 0)"));
    CHECK(contains(result.out, "the server answered hello"));
    CHECK(websocket_url(serve) == "ws://127.0.0.1:" + std::to_string(moved) + "/xiaozhi/v1/");
    CHECK_FALSE(contains(result.out + result.err, kToken));

    // JSON for scripts, and commit confirmed: the push is confirmed after verification.
    const Result json = ota_push(serve, {"--set", "server.websocket_version=3", "--format", "json",
                                         "--confirm-within", "30s"});
    REQUIRE(json.exit_code == 0);
    const nlohmann::json document = parse_json(json.out);
    CHECK(document.at("revision").at("from") == "1");
    CHECK(document.at("revision").at("to") == "2");
    CHECK(document.at("verification").at("status") == "passed");
    CHECK(document.at("confirmed") == true);
    CHECK(document.at("diff").at(0).at("key") == "server.websocket_version");
    const nlohmann::json history = parse_json(admin(serve, "GET", "history").body);
    CHECK(history.at("revisions").at(0).at("confirm_deadline").is_null());
    CHECK(history.at("revisions").at(1).at("message") == "move the port");
    CHECK(ota_answer(serve.http_port()).at("websocket").at("version") == 3);
}

TEST_CASE("ota-push refuses a port another process holds, locally and through the server",
          "[ota-push]") {
    ServeProcess serve(serve_options());
    const std::string before = websocket_url(serve);
    HeldPort held;
    const std::string set = "server.port=" + std::to_string(held.port());

    const Result local = ota_push(serve, {"--set", set, "--format", "json"});
    CHECK(local.exit_code == 1);
    const nlohmann::json local_document = parse_json(local.out);
    CHECK(has(rules_in(local_document.at("findings")), "port.in-use"));
    CHECK(has(rules_in(local_document.at("findings")), "port.held-by-self"));
    CHECK(contains(local.err, "not pushed: 1 error"));
    CHECK(admin(serve, "GET", "remote").header("ETag") == "\"0\"");

    const Result forced = ota_push(serve, {"--set", set, "--force", "--format", "json"});
    CHECK(forced.exit_code == 1);
    const nlohmann::json forced_document = parse_json(forced.out);
    CHECK(has(rules_in(forced_document.at("server_findings")), "port.in-use"));
    CHECK(contains(forced.err, server_url(serve) + " answered 409"));
    CHECK(contains(forced.err, "nothing was changed"));
    CHECK(admin(serve, "GET", "remote").header("ETag") == "\"0\"");
    CHECK(websocket_url(serve) == before);

    // The near miss: a free port goes through.
    const Result free = ota_push(serve, {"--set", "server.port=" + std::to_string(free_port())});
    CHECK(free.exit_code == 0);
}

TEST_CASE("under port_fallback next a held port is a warning and serve binds the next one",
          "[ota-push]") {
    ServeProcess::Options options = serve_options();
    options.config_toml += "port_fallback = \"next\"\n";
    ServeProcess serve(options);
    HeldPort held;
    const Result pushed = ota_push(
        serve, {"--set", "server.port=" + std::to_string(held.port()), "--format", "json"});
    REQUIRE(pushed.exit_code == 0);
    const nlohmann::json document = parse_json(pushed.out);
    bool warned = false;
    for (const auto& finding : document.at("findings")) {
        if (finding.at("rule") == "port.in-use") {
            warned = finding.at("severity") == "warning";
        }
    }
    CHECK(warned);
    CHECK(document.at("verification").at("status") == "passed");
    const std::string url = websocket_url(serve);
    CHECK(url != "ws://127.0.0.1:" + std::to_string(held.port()) + "/xiaozhi/v1/");
    CHECK(contains(url, "ws://127.0.0.1:"));
}

TEST_CASE("ota-push on a stale revision gets 412 and changes nothing", "[ota-push]") {
    ServeProcess serve(serve_options());
    // Someone else pushes between our read (revision 0) and our write.
    REQUIRE(admin(serve, "PUT", "remote", {{"If-Match", "\"0\""}},
                  R"({"server": {"websocket_version": 3}})")
                .status == 200);
    const Result stale = ota_push(serve, {"--set", "server.websocket_version=2",
                                          "--expect-revision", "0", "--format", "json"});
    CHECK(stale.exit_code == 1);
    CHECK(contains(stale.err, "answered 412"));
    CHECK(contains(stale.err, "changed meanwhile: server.websocket_version"));
    CHECK(parse_json(stale.out).at("changed_keys").at(0) == "server.websocket_version");
    const HttpReply remote = admin(serve, "GET", "remote");
    CHECK(remote.header("ETag") == "\"1\"");
    CHECK(parse_json(remote.body).at("server").at("websocket_version") == 3);
    CHECK(ota_answer(serve.http_port()).at("websocket").at("version") == 3);

    const Result current =
        ota_push(serve, {"--set", "server.websocket_version=2", "--expect-revision", "1"});
    CHECK(current.exit_code == 0);
    CHECK(ota_answer(serve.http_port()).at("websocket").at("version") == 2);
}

TEST_CASE("ota-push to an address nothing answers fails verification and rolls back",
          "[ota-push]") {
    ServeProcess serve(serve_options());
    const std::string before = websocket_url(serve);
    const std::string dead =
        "server.websocket=ws://192.0.2.1:" + std::to_string(free_port()) + "/xiaozhi/v1/";

    // The near miss first: with --fail-on warning the proxy warning already stops it.
    const Result strict = ota_push(serve, {"--set", dead, "--fail-on", "warning"});
    CHECK(strict.exit_code == 1);
    CHECK(contains(strict.out, "warning[url.port-mismatch]"));
    CHECK(contains(strict.err, "(--fail-on warning)"));
    CHECK(admin(serve, "GET", "remote").header("ETag") == "\"0\"");

    const Result result = ota_push(serve, {"--set", dead, "--verify-timeout", "2s"});
    CHECK(result.exit_code == 1);
    CHECK(contains(result.out, "Pushed revision 1 (was 0)"));
    CHECK(contains(result.out, "Verification failed: devices cannot use ws://192.0.2.1:"));
    CHECK(contains(result.out, "Restored revision 0 (as revision 2)"));
    CHECK(contains(result.err, "revision 0 was restored"));
    CHECK(websocket_url(serve) == before);
    const nlohmann::json history = parse_json(admin(serve, "GET", "history").body);
    CHECK(history.at("current_revision") == "2");
    CHECK(history.at("revisions").at(0).at("kind") == "rollback");

    // --no-verify leaves the dead address in force: the check above is what caught it.
    const Result unverified = ota_push(serve, {"--set", dead, "--no-verify"});
    CHECK(unverified.exit_code == 0);
    CHECK(contains(websocket_url(serve), "192.0.2.1"));
}

TEST_CASE("ota-push lists the history and rolls back to a kept revision", "[ota-push]") {
    ServeProcess serve(serve_options());
    const std::string original = websocket_url(serve);
    const int moved = free_port();
    REQUIRE(
        ota_push(serve, {"--set", "server.port=" + std::to_string(moved), "--message", "new port"})
            .exit_code == 0);
    REQUIRE(ota_push(serve, {"--set", "server.websocket_version=3", "--message", "protocol 3"})
                .exit_code == 0);

    const Result history = ota_push(serve, {"--history"});
    CHECK(history.exit_code == 0);
    CHECK(contains(history.out, "protocol 3"));
    CHECK(contains(history.out, "server.websocket_version"));
    CHECK(contains(history.out, "new port"));
    CHECK(contains(history.out, "current revision: 2"));

    const Result back = ota_push(serve, {"--rollback"});
    CHECK(back.exit_code == 0);
    CHECK(contains(back.out, "- server.websocket_version = 3"));
    CHECK(contains(back.out, "Rolled back to revision 1 as revision 3 (was 2)"));
    CHECK_FALSE(ota_answer(serve.http_port()).at("websocket").contains("version"));
    CHECK(websocket_url(serve) == "ws://127.0.0.1:" + std::to_string(moved) + "/xiaozhi/v1/");

    const Result origin = ota_push(serve, {"--rollback", "0", "--format", "json"});
    CHECK(origin.exit_code == 0);
    CHECK(parse_json(origin.out).at("verification").at("status") == "passed");
    CHECK(websocket_url(serve) == original);

    const Result missing = ota_push(serve, {"--rollback", "99"});
    CHECK(missing.exit_code == 3);
    CHECK(contains(missing.err, "answered 404"));
}

TEST_CASE("ota-push uploads firmware (larger than 1 MiB) and checks the OTA offer", "[ota-push]") {
    ServeProcess serve(serve_options());
    TempDir files;
    const std::string image =
        files.write("fw.bin", std::string("\xE9\x05\x02\x20", 4) + std::string(1500000, 'x'));
    const Result upload =
        ota_push(serve, {"--firmware", image, "--model", "bread-compact", "--version", "1.7.0"});
    REQUIRE(upload.exit_code == 0);
    CHECK(contains(upload.out, "Uploaded " + image + " as bread-compact_1.7.0.bin (1500004 bytes"));
    CHECK(contains(upload.out, "offered 1.7.0"));
    CHECK(contains(upload.out, "(Content-Length 1500004)"));
    CHECK(fs::file_size(serve.dir() + "/data/bin/bread-compact_1.7.0.bin") == 1500004);
    const nlohmann::json offer = ota_answer(serve.http_port(), "bread-compact", "1.0.0");
    CHECK(offer.at("firmware").at("version") == "1.7.0");

    const std::string text = files.write("notes.txt", "not an image");
    const Result refused =
        ota_push(serve, {"--firmware", text, "--model", "bread-compact", "--version", "1.8.0"});
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.err, "0xE9"));
    CHECK(ota_push(serve, {"--firmware", image, "--model", "../bin", "--version", "1.8.0"})
              .exit_code == 2);
    CHECK(
        ota_push(serve, {"--firmware", image, "--model", "bread", "--version", "v1.8"}).exit_code ==
        2);
    CHECK_FALSE(fs::exists(serve.dir() + "/data/bin/bread-compact_1.8.0.bin"));

    const Result unchecked = ota_push(serve, {"--firmware", text, "--model", "bread-compact",
                                              "--version", "1.8.0", "--no-image-check"});
    CHECK(unchecked.exit_code == 0);
    CHECK(fs::exists(serve.dir() + "/data/bin/bread-compact_1.8.0.bin"));
}

TEST_CASE("a server killed mid-upload leaves no partial firmware file, ota-push then exits 3",
          "[ota-push]") {
    ServeProcess serve(serve_options());
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(serve.http_port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const std::string head = std::string("PUT /xiaozhi/admin/firmware/bread/2.0.0 HTTP/1.1\r\n") +
                             "Host: 127.0.0.1\r\nAuthorization: Bearer " + kToken +
                             "\r\nContent-Length: 4000000\r\n\r\n";
    const std::string part = head + "\xE9" + std::string(999999, 'x');
    REQUIRE(::send(fd, part.data(), part.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(part.size()));
    // The server has the upload open once its temporary file appears.
    bool started = false;
    for (int i = 0; i < 100 && !started; ++i) {
        for (const std::string& name : names_in(serve.dir() + "/data/bin")) {
            started = started || name.ends_with(".part");
        }
        if (!started) ::usleep(50000);
    }
    CHECK(started);
    CHECK(serve.stop(SIGKILL) == 128 + SIGKILL);
    ::close(fd);
    CHECK_FALSE(fs::exists(serve.dir() + "/data/bin/bread_2.0.0.bin"));
    for (const std::string& name : names_in(serve.dir() + "/data/bin")) {
        CHECK(name.ends_with(".part"));
    }

    const Result dead = ota_push(serve, {"--history"});
    CHECK(dead.exit_code == 3);
    CHECK(contains(dead.err, "cannot reach the server " + server_url(serve)));
}

TEST_CASE("ota-push needs a token, keeps it out of its output, and names the server's answer",
          "[ota-push]") {
    ServeProcess serve(serve_options());
    Run no_token;
    no_token.args = {"ota-push", "--server", server_url(serve), "--history"};
    CHECK(run_xiaozhi(no_token).exit_code == 2);

    Run wrong = no_token;
    wrong.args.insert(wrong.args.end(), {"--token", "not-the-token-xyz"});
    const Result refused = run_xiaozhi(wrong);
    CHECK(refused.exit_code == 3);
    CHECK(contains(refused.err, server_url(serve) + " answered 401"));
    CHECK_FALSE(contains(refused.out + refused.err, "not-the-token-xyz"));

    Run nothing = no_token;
    nothing.args = {"ota-push", "--server", server_url(serve), "--token", "x"};
    CHECK(run_xiaozhi(nothing).exit_code == 2);

    const Result dry = ota_push(serve, {"--set", "server.websocket_version=3", "--dry-run"});
    CHECK(dry.exit_code == 0);
    CHECK(contains(dry.out, "+ server.websocket_version = 3"));
    CHECK(contains(dry.out, "Dry run: nothing was sent."));
    CHECK(admin(serve, "GET", "remote").header("ETag") == "\"0\"");
}
