// The calls ota-push makes to one server, and how a failed call is worded and exits.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http_exchange.hpp"
#include "server_address.hpp"

namespace xiaozhi::client {

// Exit codes (DESIGN.md), as the client reports them.
inline constexpr int exit_refused = 1;  // findings, 409/412, failed verification
inline constexpr int exit_input = 2;    // bad option or local input
inline constexpr int exit_failure = 3;  // unreachable server, peer error

// A step that ends the run: the message (naming the server, the HTTP status and the server's
// own message when there was an answer) and the exit code.
class PushFailure : public std::runtime_error {
  public:
    PushFailure(int exit_code, const std::string& message, nlohmann::json answer = nullptr)
        : std::runtime_error(message), exit_code_(exit_code), answer_(std::move(answer)) {}
    int exit_code() const { return exit_code_; }
    // The server's JSON answer when it sent one (e.g. 409 findings, 412 changed keys).
    const nlohmann::json& answer() const { return answer_; }

  private:
    int exit_code_;
    nlohmann::json answer_;
};

// The server's message in an answer body: its "error" or "message" field, else the text.
std::string server_message(const HttpAnswer& answer);

// "http://h:p answered 412 Precondition Failed to PUT /xiaozhi/admin/remote: <message>".
std::string answer_failure_text(const ServerAddress& server, const HttpCall& call,
                                const HttpAnswer& answer);

// The exit code for an answer that is not a success: 1 for 409 and 412 (refused), 3 otherwise.
int exit_code_for_status(int status);

// Calls on one server with the admin token; the token is sent, never shown. An https://
// server, and every TLS peer met while verifying, is checked as `trust` says.
class AdminClient {
  public:
    AdminClient(ServerAddress server, std::string token, std::chrono::milliseconds timeout,
                TlsTrust trust = {});

    const ServerAddress& server() const { return server_; }
    const TlsTrust& trust() const { return trust_; }
    void move_to_port(int port) { server_.port = port; }

    // Sends `call` (its target relative to the server's base path). Throws PushFailure
    // (exit 3) when there is no answer; any status is returned.
    HttpAnswer send(HttpCall call, bool with_token = true) const;
    // send(), then PushFailure unless the status is `expected` (or 2xx when 0).
    HttpAnswer expect(HttpCall call, int expected = 0, bool with_token = true) const;
    // The body as JSON; PushFailure (exit 3) when it is not.
    nlohmann::json json_of(const HttpCall& call, const HttpAnswer& answer) const;

  private:
    ServerAddress server_;
    std::string token_;
    std::chrono::milliseconds timeout_;
    TlsTrust trust_;
};

// GET/POST helpers for the admin API paths under /xiaozhi/admin/.
HttpCall admin_call(std::string method, std::string_view path);

}  // namespace xiaozhi::client
