// write_layers: every effective value with its origin and the values it overrode.
#include "report/config_report.hpp"
#include "report/json_values.hpp"
#include "report/secret_mask.hpp"
#include "report/text_or_json.hpp"
#include "report/text_style.hpp"

namespace xiaozhi::report {

namespace {

// "  [layer file:line:col]"
std::string origin_text(const config::Origin& origin, const MaskOptions& mask, bool color) {
    std::string described = origin.layer;
    const std::string location = masked_origin(origin, mask).to_string();
    if (!described.empty() && !location.empty()) described += ' ';
    described += location;
    return "  " + styled("[" + described + "]", Style::dim, color);
}

void write_text_layers(std::ostream& out, const config::Effective& effective,
                       const MaskOptions& mask, bool color) {
    for (const auto& entry : effective.entries()) {
        out << styled(entry.key, Style::bold, color) << " = "
            << shown_text(entry.key, entry.value, mask) << origin_text(entry.origin, mask, color)
            << '\n';
        for (const auto& overridden : entry.overridden) {
            const bool dropped = !overridden.note.empty();
            out << "    " << (dropped ? "ignored " : "overrides ")
                << shown_text(entry.key, overridden.value, mask)
                << origin_text(overridden.origin, mask, color);
            if (dropped) out << " (" << overridden.note << ')';
            out << '\n';
        }
    }
}

void write_json_layers(std::ostream& out, const config::Effective& effective,
                       const MaskOptions& mask) {
    Json values = Json::array();
    for (const auto& entry : effective.entries()) {
        Json overridden = Json::array();
        for (const auto& earlier : entry.overridden) {
            Json item = Json::object();
            item["value"] = shown_json(entry.key, earlier.value, mask);
            item["origin"] = origin_json(masked_origin(earlier.origin, mask));
            item["note"] = earlier.note;
            overridden.push_back(std::move(item));
        }
        Json value = Json::object();
        value["key"] = entry.key;
        value["value"] = shown_json(entry.key, entry.value, mask);
        value["origin"] = origin_json(masked_origin(entry.origin, mask));
        value["overridden"] = std::move(overridden);
        values.push_back(std::move(value));
    }
    Json document = Json::object();
    document["values"] = std::move(values);
    write_json(out, document);
}

}  // namespace

void write_layers(std::ostream& out, Format format, const config::Effective& effective,
                  const MaskOptions& mask, bool color) {
    require_text_or_json(format, "the layered view");
    if (format == Format::json) {
        write_json_layers(out, effective, mask);
    } else {
        write_text_layers(out, effective, mask, color);
    }
}

}  // namespace xiaozhi::report
