// AdminClient: the admin API calls with the token, and the wording of failed calls.
#include "admin_client.hpp"

namespace xiaozhi::client {

std::string server_message(const HttpAnswer& answer) {
    try {
        const nlohmann::json body = nlohmann::json::parse(answer.body);
        for (const char* field : {"error", "message"}) {
            if (body.is_object() && body.contains(field) && body[field].is_string()) {
                return body[field].get<std::string>();
            }
        }
    } catch (const nlohmann::json::exception&) {
    }
    std::string text = answer.body.substr(0, 300);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text.empty() ? "(no message)" : text;
}

std::string answer_failure_text(const ServerAddress& server, const HttpCall& call,
                                const HttpAnswer& answer) {
    return server.url() + " answered " + std::to_string(answer.status) +
           (answer.reason.empty() ? "" : " " + answer.reason) + " to " + call.method + " " +
           call.target + ": " + server_message(answer);
}

int exit_code_for_status(int status) {
    return status == 409 || status == 412 ? exit_refused : exit_failure;
}

AdminClient::AdminClient(ServerAddress server, std::string token, std::chrono::milliseconds timeout,
                         TlsTrust trust)
    : server_(std::move(server)),
      token_(std::move(token)),
      timeout_(timeout),
      trust_(std::move(trust)) {}

HttpAnswer AdminClient::send(HttpCall call, bool with_token) const {
    call.target = server_.target(call.target);
    call.timeout = timeout_;
    call.tls = server_.tls;
    call.trust = trust_;
    if (with_token) call.headers.emplace_back("Authorization", "Bearer " + token_);
    HttpAnswer answer = http_exchange(server_.host, server_.port, call);
    if (answer.status == 0) {
        throw PushFailure(exit_failure, "cannot reach the server " + server_.url() + " (" +
                                            call.method + " " + call.target + "): " + answer.error);
    }
    return answer;
}

HttpAnswer AdminClient::expect(HttpCall call, int expected, bool with_token) const {
    HttpAnswer answer = send(call, with_token);
    const bool ok =
        expected == 0 ? answer.status >= 200 && answer.status < 300 : answer.status == expected;
    if (!ok) {
        call.target = server_.target(call.target);
        nlohmann::json body = nullptr;
        try {
            body = nlohmann::json::parse(answer.body);
        } catch (const nlohmann::json::exception&) {
        }
        throw PushFailure(exit_code_for_status(answer.status),
                          answer_failure_text(server_, call, answer), std::move(body));
    }
    return answer;
}

nlohmann::json AdminClient::json_of(const HttpCall& call, const HttpAnswer& answer) const {
    try {
        return nlohmann::json::parse(answer.body);
    } catch (const nlohmann::json::exception& error) {
        throw PushFailure(exit_failure, server_.url() + " answered " + call.method + " " +
                                            server_.target(call.target) +
                                            " with something that is not JSON: " + error.what());
    }
}

HttpCall admin_call(std::string method, std::string_view path) {
    HttpCall call;
    call.method = std::move(method);
    call.target = "/xiaozhi/admin/" + std::string(path);
    return call;
}

}  // namespace xiaozhi::client
