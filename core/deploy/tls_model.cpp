// The TLS part of the deployment model, from the server.tls keys as serve reads them.
#include "deploy/tls_model.hpp"

#include <algorithm>
#include <optional>

namespace xiaozhi::deploy {

namespace {

using config::Kind;
using config::Node;

std::optional<std::string> nonempty_string(const Node* node) {
    if (!node || node->kind != Kind::string || node->text.empty()) return std::nullopt;
    return node->text;
}

std::vector<std::string> strings_of(const Node* node) {
    std::vector<std::string> out;
    if (!node || node->kind != Kind::list) return out;
    for (const Node& item : node->items)
        if (item.kind == Kind::string) out.push_back(item.text);
    return out;
}

void add_main_certificate(const config::Effective& effective, const std::string& base_dir,
                          Model& model) {
    auto cert = nonempty_string(effective.get("server.tls.cert"));
    auto key = nonempty_string(effective.get("server.tls.key"));
    if (!cert || !key) return;
    TlsCertificate certificate;
    certificate.cert_path = resolve_config_path(base_dir, *cert);
    certificate.key_path = resolve_config_path(base_dir, *key);
    certificate.cert_key = "server.tls.cert";
    certificate.key_key = "server.tls.key";
    certificate.cert_origin = effective.origin_of("server.tls.cert");
    certificate.key_origin = effective.origin_of("server.tls.key");
    model.certificates.push_back(std::move(certificate));
}

void add_sni_certificates(const config::Effective& effective, const std::string& base_dir,
                          Model& model) {
    const Node* list = effective.get("server.tls.certificates");
    if (!list || list->kind != Kind::list) return;
    const std::string layer = effective.origin_of("server.tls.certificates").layer;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
        const Node& item = list->items[i];
        if (!item.is_map()) continue;
        auto cert = nonempty_string(item.find("cert"));
        auto key = nonempty_string(item.find("key"));
        if (!cert || !key) continue;
        const std::string prefix = "server.tls.certificates[" + std::to_string(i) + "]";
        TlsCertificate certificate;
        certificate.cert_path = resolve_config_path(base_dir, *cert);
        certificate.key_path = resolve_config_path(base_dir, *key);
        certificate.cert_key = prefix + ".cert";
        certificate.key_key = prefix + ".key";
        certificate.cert_origin = config::Origin{layer, item.find("cert")->pos};
        certificate.key_origin = config::Origin{layer, item.find("key")->pos};
        certificate.sni = true;
        certificate.names = strings_of(item.find("names"));
        model.certificates.push_back(std::move(certificate));
    }
}

void add_tls_listener(const config::Effective& effective, Model& model) {
    const Node* port = effective.get("server.tls.port");
    if (!port || port->kind != Kind::integer || port->integer < 1 || port->integer > 65535) return;
    Listener listener;
    listener.service = "http+websocket";
    const Node* ip = effective.get("server.ip");
    listener.address =
        ip && ip->is_scalar() && ip->kind != Kind::null && !ip->text.empty() ? ip->text : "0.0.0.0";
    listener.port = static_cast<int>(port->integer);
    listener.key = "server.tls.port";
    listener.origin = effective.origin_of("server.tls.port");
    listener.tls = true;
    model.listeners.push_back(std::move(listener));
}

void mark_tls_listeners(const config::Effective& effective, Model& model) {
    const std::vector<std::string> named = strings_of(effective.get("server.tls.listeners"));
    auto is_named = [&named](std::string_view service) {
        return std::find(named.begin(), named.end(), service) != named.end();
    };
    for (Listener& listener : model.listeners) {
        if (listener.service == "http+websocket") {
            listener.tls = listener.tls || is_named("websocket") || is_named("http");
        } else if (listener.service == "websocket" || listener.service == "http") {
            listener.tls = is_named(listener.service);
        }
    }
}

}  // namespace

void add_tls(const config::Effective& effective, const std::string& base_dir, Model& model) {
    add_main_certificate(effective, base_dir, model);
    add_sni_certificates(effective, base_dir, model);
    mark_tls_listeners(effective, model);
    add_tls_listener(effective, model);
}

}  // namespace xiaozhi::deploy
