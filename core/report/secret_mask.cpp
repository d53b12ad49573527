// Masking secrets in configuration values before they are shown.
#include "report/secret_mask.hpp"

#include "config/layer.hpp"
#include "config/schema.hpp"

namespace xiaozhi::report {

bool is_masked(std::string_view key, const MaskOptions& mask) {
    return !mask.show_secrets && config::is_secret_key(key);
}

config::Node masked_value(std::string_view key, const config::Node& value,
                          const MaskOptions& mask) {
    if (mask.show_secrets) return value;
    if (config::is_secret_key(key)) {
        return config::Node::string_at(std::string(secret_mask), value.pos);
    }
    config::Node masked = value;
    for (auto& item : masked.items) item = masked_value(key, item, mask);
    for (auto& [child_key, child] : masked.entries) {
        const std::string child_path = key.empty() ? child_key : std::string(key) + '.' + child_key;
        child = masked_value(child_path, child, mask);
    }
    return masked;
}

std::string shown_text(std::string_view key, const config::Node& value, const MaskOptions& mask) {
    if (is_masked(key, mask)) return std::string(secret_mask);
    return masked_value(key, value, mask).render();
}

Json shown_json(std::string_view key, const config::Node& value, const MaskOptions& mask) {
    return node_json(masked_value(key, value, mask));
}

config::Origin masked_origin(const config::Origin& origin, const MaskOptions& mask) {
    if (mask.show_secrets) return origin;
    if (origin.layer != config::layer_kind_name(config::LayerKind::command_line)) return origin;
    constexpr std::string_view option = "--set ";
    std::string_view assignment = origin.pos.file;
    if (assignment.substr(0, option.size()) == option) assignment.remove_prefix(option.size());
    const auto equals = assignment.find('=');
    if (equals == std::string_view::npos) return origin;
    const std::string_view key = assignment.substr(0, equals);
    if (!config::is_secret_key(key)) return origin;
    config::Origin masked = origin;
    masked.pos.file = origin.pos.file.substr(0, origin.pos.file.size() - assignment.size()) +
                      std::string(key) + '=' + std::string(secret_mask);
    return masked;
}

std::vector<analysis::Finding> with_masked_origins(std::vector<analysis::Finding> findings) {
    const MaskOptions mask;
    for (auto& finding : findings) {
        finding.origin = masked_origin(finding.origin, mask);
        for (auto& related : finding.related) related = masked_origin(related, mask);
    }
    return findings;
}

}  // namespace xiaozhi::report
