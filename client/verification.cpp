// The device's view of a server after ota-push changed it.
#include "verification.hpp"

#include <algorithm>
#include <charconv>

#include "deploy/url.hpp"
#include "protocol/device_headers.hpp"
#include "protocol/device_message.hpp"
#include "protocol/ota_answer.hpp"
#include "protocol/ota_request.hpp"
#include "protocol/server_message.hpp"

namespace xiaozhi::client {

namespace {

// The OTA answer for the test device running `version` of `model`; nullopt with `error`
// (and `unreachable`) set when there is none.
std::optional<protocol::OtaAnswer> ota_answer_for(const AdminClient& client,
                                                  const std::string& model,
                                                  const std::string& version, std::string& error,
                                                  bool& unreachable) {
    protocol::OtaRequest device;
    device.device_id = std::string(test_device_id);
    device.client_id = std::string(test_client_id);
    device.board_type = model;
    device.app_version = version;
    HttpCall call;
    call.method = "POST";
    call.target = "/xiaozhi/ota/";
    call.headers = protocol::ota_request_headers(device);
    call.body = protocol::ota_request_body(device);
    HttpAnswer answer;
    try {
        answer = client.send(call, false);
    } catch (const PushFailure& failure) {
        error = failure.what();
        unreachable = true;
        return std::nullopt;
    }
    if (answer.status != 200) {
        call.target = client.server().target(call.target);
        error = answer_failure_text(client.server(), call, answer);
        return std::nullopt;
    }
    std::string parse_error;
    std::optional<protocol::OtaAnswer> parsed =
        protocol::parse_ota_answer(answer.body, parse_error);
    if (!parsed)
        error = "the OTA answer of " + client.server().url() + " does not parse: " + parse_error;
    return parsed;
}

std::string with_query(const deploy::Url& url) {
    return url.query.empty() ? url.path : url.path + "?" + url.query;
}

// The server's hello at `url` (ws:// or wss://, verified as `trust` says), or why there is none.
void check_hello(const protocol::WebsocketSection& section, const TlsTrust& trust,
                 std::chrono::milliseconds timeout, Verification& result) {
    deploy::UrlError url_error;
    const std::optional<deploy::Url> url = deploy::parse_url(section.url, &url_error);
    if (!url) {
        result.error = "websocket.url " + section.url + " does not parse: " + url_error.message;
        return;
    }
    if (url->scheme != "ws" && url->scheme != "wss") {
        result.status = Verification::Status::passed;
        result.note = "the address is as expected; a " + url->scheme +
                      ":// connection is not tried (devices use ws:// or wss://)";
        return;
    }
    WebSocketCall call;
    call.host = url->host;
    call.port = url->port;
    call.tls = url->scheme == "wss";
    call.trust = trust;
    call.target = with_query(*url);
    call.headers = protocol::websocket_request_headers(
        std::string(test_device_id), std::string(test_client_id),
        static_cast<protocol::BinaryProtocol>(section.version.value_or(1)),
        section.token.value_or(""));
    protocol::DeviceHello hello;
    hello.features.mcp = true;
    call.send_text = protocol::to_text(hello);
    call.timeout = timeout;
    const WebSocketAnswer answer = websocket_first_reply(call);
    if (!answer.error.empty()) {
        result.error = "devices cannot use " + section.url + ": " + answer.error;
        if (answer.refusal_status != 0) {
            result.error += " (HTTP " + std::to_string(answer.refusal_status) + ")";
        }
        return;
    }
    const protocol::ServerMessage message = protocol::parse_server_message(answer.reply);
    const auto* server_hello = std::get_if<protocol::ServerHello>(&message);
    if (server_hello == nullptr || server_hello->transport != "websocket") {
        result.error = "the first message at " + section.url +
                       " is not a hello with transport websocket: " + answer.reply.substr(0, 200);
        return;
    }
    result.session_id = server_hello->session_id;
    result.status = Verification::Status::passed;
}

}  // namespace

std::string_view status_name(Verification::Status status) {
    switch (status) {
        case Verification::Status::skipped:
            return "skipped";
        case Verification::Status::passed:
            return "passed";
        case Verification::Status::failed:
            return "failed";
    }
    return "skipped";
}

nlohmann::json Verification::to_json() const {
    nlohmann::json json = nlohmann::json::object();
    json["status"] = status_name(status);
    json["websocket_url"] = websocket_url;
    json["expected"] = expected;
    json["session_id"] = session_id;
    json["note"] = note;
    json["error"] = error;
    return json;
}

Verification verify_device_path(const AdminClient& client, const ExpectedWebsocket& expected,
                                std::chrono::milliseconds hello_timeout,
                                const std::vector<FleetInstance>& instances) {
    Verification result;
    result.status = Verification::Status::failed;
    result.expected = expected.describe();
    const std::optional<protocol::OtaAnswer> answer = ota_answer_for(
        client, "xiaozhi-ota-push", "1.0.0", result.error, result.server_unreachable);
    if (!answer) return result;
    if (!answer->websocket) {
        if (answer->mqtt && expected.any()) {
            result.status = Verification::Status::passed;
            result.note = "the OTA answer hands out MQTT (" + answer->mqtt->endpoint +
                          "); no WebSocket to try";
        } else {
            result.error =
                "the OTA answer of " + client.server().url() + " has no websocket section";
        }
        return result;
    }
    result.websocket_url = answer->websocket->url;
    if (!expected.matches(result.websocket_url)) {
        result.error =
            "the OTA answer hands out " + result.websocket_url + ", expected " + result.expected;
        return result;
    }
    if (!instances.empty() &&
        std::none_of(instances.begin(), instances.end(), [&](const FleetInstance& instance) {
            return instance.websocket_url == result.websocket_url;
        })) {
        result.error = "the OTA answer hands out " + result.websocket_url +
                       ", which no instance of the fleet advertises";
        return result;
    }
    check_hello(*answer->websocket, client.trust(), hello_timeout, result);
    for (const FleetInstance& instance : instances) {
        if (result.status != Verification::Status::passed) break;
        if (instance.websocket_url == result.websocket_url) continue;
        protocol::WebsocketSection section = *answer->websocket;
        section.url = instance.websocket_url;
        Verification other;
        other.status = Verification::Status::failed;
        check_hello(section, client.trust(), hello_timeout, other);
        if (other.status != Verification::Status::passed) {
            result.status = Verification::Status::failed;
            result.error = "fleet instance " + instance.id + ": " + other.error;
        }
    }
    if (instances.size() > 1 && result.status == Verification::Status::passed) {
        const std::string every =
            "every instance of the fleet (" + std::to_string(instances.size()) + ") answered hello";
        result.note = result.note.empty() ? every : result.note + "; " + every;
    }
    return result;
}

nlohmann::json FirmwareOffer::to_json() const {
    nlohmann::json json = nlohmann::json::object();
    json["status"] = status_name(status);
    json["device_version"] = device_version;
    json["offered_version"] = offered_version;
    json["url"] = url;
    json["content_length"] = content_length;
    json["error"] = error;
    return json;
}

FirmwareOffer verify_firmware_offer(const AdminClient& client, const std::string& model,
                                    const std::string& version, std::uint64_t size,
                                    std::chrono::milliseconds timeout) {
    FirmwareOffer result;
    result.status = Verification::Status::failed;
    const std::optional<std::string> below = version_below(version);
    if (!below) {
        result.error = "no version is lower than " + version + ": the offer cannot be checked";
        return result;
    }
    result.device_version = *below;
    const std::optional<protocol::OtaAnswer> answer =
        ota_answer_for(client, model, *below, result.error, result.server_unreachable);
    if (!answer) return result;
    result.offered_version = answer->firmware.version;
    result.url = answer->firmware.url;
    if (result.url.empty() || result.offered_version != version) {
        result.error = "a " + model + " device running " + *below + " is offered " +
                       (result.url.empty() ? std::string("no firmware")
                                           : "version " + result.offered_version) +
                       ", not " + version;
        return result;
    }
    deploy::UrlError url_error;
    const std::optional<deploy::Url> url = deploy::parse_url(result.url, &url_error);
    if (!url || (url->scheme != "http" && url->scheme != "https")) {
        result.error = "the download URL " + result.url + " is not an http:// or https:// URL";
        return result;
    }
    HttpCall head;
    head.tls = url->scheme == "https";
    head.trust = client.trust();
    head.method = "HEAD";
    head.target = with_query(*url);
    head.timeout = timeout;
    const HttpAnswer answer_head = http_exchange(url->host, url->port, head);
    if (answer_head.status != 200) {
        result.error =
            answer_head.status == 0
                ? "cannot reach the download URL " + result.url + ": " + answer_head.error
                : "HEAD " + result.url + " answered " + std::to_string(answer_head.status) + ": " +
                      server_message(answer_head);
        result.server_unreachable = answer_head.status == 0;
        return result;
    }
    const std::string length = answer_head.header("Content-Length");
    std::int64_t value = -1;
    const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), value);
    if (length.empty() || error != std::errc{} || end != length.data() + length.size()) value = -1;
    result.content_length = value;
    if (value < 0 || static_cast<std::uint64_t>(value) != size) {
        result.error = "the download " + result.url + " announces Content-Length " +
                       (value < 0 ? std::string("(none)") : std::to_string(value)) +
                       ", the file has " + std::to_string(size) + " bytes";
        return result;
    }
    result.status = Verification::Status::passed;
    return result;
}

}  // namespace xiaozhi::client
