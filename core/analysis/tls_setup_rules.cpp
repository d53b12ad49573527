// tls.incomplete, tls.unused-certificate and config.type for the shape of server.tls (xiaozhi
// runtime: serve refuses what these report; the reference never reads server.tls).
#include <string>
#include <vector>

#include "analysis/rule_families.hpp"
#include "analysis/tls_view.hpp"
#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

using config::Kind;
using config::Node;

constexpr const char* certificates_key = "server.tls.certificates";

bool is_set_string(const Node* node) {
    return node && node->kind == Kind::string && !node->text.empty();
}

config::Origin origin_at(const config::Effective& effective, std::string_view key,
                         const config::Position& pos) {
    return config::Origin{effective.origin_of(key).layer, pos};
}

Finding value_finding(const config::Effective& effective, const std::string& key,
                      const std::string& message, const config::Position& pos,
                      std::string suggestion) {
    return make_finding("config.type", Severity::error, message, key,
                        origin_at(effective, key, pos), std::move(suggestion));
}

void check_listener_names(const config::Effective& effective, Findings& out) {
    const Node* listeners = effective.get("server.tls.listeners");
    if (!listeners || listeners->kind != Kind::list) return;
    for (const Node& item : listeners->items) {
        if (item.kind != Kind::string || item.text == "websocket" || item.text == "http") continue;
        out.push_back(value_finding(
            effective, "server.tls.listeners",
            "server.tls.listeners names " + quote_text(item.text) + " (" + item.pos.to_string() +
                "), which is not a listener: serve refuses to start",
            item.pos, "name websocket (server.port) or http (server.http_port)"));
    }
}

void check_certificate_entry(const config::Effective& effective, const Node& item,
                             const std::string& label, Findings& out) {
    if (!item.is_map()) {
        out.push_back(value_finding(effective, certificates_key,
                                    label + " (" + item.pos.to_string() +
                                        ") is not a map of cert, key and names: serve refuses "
                                        "to start",
                                    item.pos, "write {cert = \"a.pem\", key = \"a.key\"}"));
        return;
    }
    for (const char* field : {"cert", "key"}) {
        const Node* value = item.find(field);
        if (is_set_string(value)) continue;
        out.push_back(value_finding(
            effective, certificates_key,
            label + " (" + item.pos.to_string() + ") " +
                (value ? std::string("has a ") + field + " that is not a file path"
                       : std::string("has no ") + field) +
                ": serve refuses to start",
            value ? value->pos : item.pos,
            std::string("set ") + field + " to the PEM " +
                (std::string(field) == "cert" ? "certificate" : "private key") + " file"));
    }
    const Node* names = item.find("names");
    if (!names) return;
    bool strings = names->kind == Kind::list;
    for (const Node& name : names->items) strings = strings && name.kind == Kind::string;
    if (!strings) {
        out.push_back(value_finding(effective, certificates_key,
                                    label + ".names (" + names->pos.to_string() +
                                        ") is not a list of host names: serve refuses to start",
                                    names->pos,
                                    "write names = [\"voice.example.com\"], or leave it out "
                                    "to use the certificate's own names"));
    }
}

void check_certificate_entries(const config::Effective& effective, Findings& out) {
    const Node* list = effective.get(certificates_key);
    if (!list || list->kind == Kind::null) return;
    if (list->kind != Kind::list) {
        out.push_back(value_finding(effective, certificates_key,
                                    std::string(certificates_key) + " (" +
                                        effective.origin_of(certificates_key).to_string() +
                                        ") is not a list of {cert, key, names} maps",
                                    list->pos, "write it as a list of maps"));
        return;
    }
    for (std::size_t i = 0; i < list->items.size(); ++i) {
        check_certificate_entry(effective, list->items[i],
                                std::string(certificates_key) + "[" + std::to_string(i) + "]", out);
    }
}

void check_seconds(const config::Effective& effective, const std::string& key, Findings& out) {
    const Node* value = effective.get(key);
    if (!value || value->kind != Kind::integer) return;  // config.type reports other kinds
    if (value->integer >= 1 && value->integer <= 3600) return;
    out.push_back(value_finding(effective, key,
                                key + " is " + std::to_string(value->integer) + " (" +
                                    effective.origin_of(key).to_string() +
                                    "), outside 1..3600 seconds: serve refuses to start",
                                value->pos, "use a number of seconds from 1 to 3600"));
}

// Which key asks for TLS without a certificate: server.tls.port, .listeners, .certificates.
const char* tls_request_key(const Inputs& inputs) {
    for (const deploy::Listener* listener : tls_listeners(inputs.model)) {
        if (is_tls_port_listener(*listener)) return "server.tls.port";
    }
    if (!tls_listeners(inputs.model).empty()) return "server.tls.listeners";
    const Node* list = inputs.effective.get(certificates_key);
    if (list && list->kind == Kind::list && !list->items.empty()) return certificates_key;
    return nullptr;
}

void check_completeness(const Inputs& inputs, Findings& out) {
    const config::Effective& effective = inputs.effective;
    const bool cert = is_set_string(effective.get("server.tls.cert"));
    const bool key = is_set_string(effective.get("server.tls.key"));
    if (cert != key) {
        const std::string set = cert ? "server.tls.cert" : "server.tls.key";
        const std::string missing = cert ? "server.tls.key" : "server.tls.cert";
        out.push_back(make_finding(
            "tls.incomplete", Severity::error,
            set + " is set (" + effective.origin_of(set).to_string() + ") but " + missing +
                " is not: serve refuses to start",
            set, effective.origin_of(set),
            "set " + missing + " to the PEM " + (cert ? "private key" : "certificate") + " file"));
        return;
    }
    if (cert) return;
    if (const char* request = tls_request_key(inputs)) {
        out.push_back(make_finding(
            "tls.incomplete", Severity::error,
            std::string(request) + " (" + effective.origin_of(request).to_string() +
                ") asks for TLS, but server.tls.cert and server.tls.key are not set: serve "
                "refuses to start",
            request, effective.origin_of(request),
            "set server.tls.cert and server.tls.key to the PEM certificate chain and its key"));
    }
}

void check_unused(const Inputs& inputs, Findings& out) {
    if (inputs.model.certificates.empty() || !tls_listeners(inputs.model).empty()) return;
    const deploy::TlsCertificate& first = inputs.model.certificates.front();
    if (first.sni) return;  // without server.tls.cert, tls.incomplete says it
    out.push_back(make_finding(
        "tls.unused-certificate", Severity::warning,
        first.cert_key + " is set (" + first.cert_origin.to_string() +
            "), but no listener speaks TLS: serve loads the certificate and never uses it",
        first.cert_key, first.cert_origin,
        "set server.tls.port for a TLS listener of its own (e.g. 8443), or list the "
        "listeners that speak TLS in server.tls.listeners (websocket, http)"));
}

}  // namespace

void check_tls_setup(const Inputs& inputs, Findings& out) {
    if (inputs.model.runtime != deploy::Runtime::xiaozhi) return;
    check_listener_names(inputs.effective, out);
    check_certificate_entries(inputs.effective, out);
    check_seconds(inputs.effective, "server.tls.handshake_timeout", out);
    check_seconds(inputs.effective, "server.tls.watch_interval", out);
    check_completeness(inputs, out);
    check_unused(inputs, out);
}

}  // namespace xiaozhi::analysis
