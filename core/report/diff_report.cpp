// write_diff: the semantic difference of two configurations as text or json, secrets masked.
#include "report/config_report.hpp"
#include "report/json_values.hpp"
#include "report/secret_mask.hpp"
#include "report/text_or_json.hpp"
#include "report/text_style.hpp"

namespace xiaozhi::report {

namespace {

struct ChangeCounts {
    std::size_t added = 0;
    std::size_t removed = 0;
    std::size_t changed = 0;
};

ChangeCounts count_changes(const std::vector<config::DiffEntry>& diff) {
    ChangeCounts counts;
    for (const auto& entry : diff) {
        switch (entry.change) {
            case config::Change::added:
                ++counts.added;
                break;
            case config::Change::removed:
                ++counts.removed;
                break;
            case config::Change::changed:
                ++counts.changed;
                break;
        }
    }
    return counts;
}

std::string_view change_name(config::Change change) {
    switch (change) {
        case config::Change::added:
            return "added";
        case config::Change::removed:
            return "removed";
        case config::Change::changed:
            return "changed";
    }
    return "changed";
}

// "  (origin)" or "  (before -> after)" for the origins an entry has; empty when it has none.
std::string origins_text(const config::DiffEntry& entry, const MaskOptions& mask, bool color) {
    std::string origins;
    if (entry.before_origin && entry.change != config::Change::added) {
        origins = masked_origin(*entry.before_origin, mask).to_string();
    }
    if (entry.after_origin && entry.change != config::Change::removed) {
        if (!origins.empty()) origins += " -> ";
        origins += masked_origin(*entry.after_origin, mask).to_string();
    }
    if (origins.empty()) return "";
    return "  " + styled("(" + origins + ")", Style::dim, color);
}

std::string value_text(const std::string& key, const std::optional<config::Node>& value,
                       const MaskOptions& mask) {
    return value ? shown_text(key, *value, mask) : "null";
}

void write_text_entry(std::ostream& out, const config::DiffEntry& entry, const MaskOptions& mask,
                      bool color) {
    switch (entry.change) {
        case config::Change::added:
            out << styled("+", Style::green, color) << ' ' << entry.key << " = "
                << value_text(entry.key, entry.after, mask);
            break;
        case config::Change::removed:
            out << styled("-", Style::red, color) << ' ' << entry.key << " = "
                << value_text(entry.key, entry.before, mask);
            break;
        case config::Change::changed:
            out << styled("~", Style::yellow, color) << ' ' << entry.key << ": ";
            if (is_masked(entry.key, mask)) {
                out << secret_mask << " (before) -> " << secret_mask << " (after)";
            } else {
                out << value_text(entry.key, entry.before, mask) << " -> "
                    << value_text(entry.key, entry.after, mask);
            }
            break;
    }
    out << origins_text(entry, mask, color) << '\n';
}

void write_text_diff(std::ostream& out, const std::vector<config::DiffEntry>& diff,
                     const MaskOptions& mask, bool color) {
    for (const auto& entry : diff) write_text_entry(out, entry, mask, color);
    if (diff.empty()) {
        out << "no differences\n";
        return;
    }
    const ChangeCounts counts = count_changes(diff);
    out << '\n'
        << counted(diff.size(), "change") << ": " << counts.added << " added, " << counts.removed
        << " removed, " << counts.changed << " changed\n";
}

Json optional_value_json(const std::string& key, const std::optional<config::Node>& value,
                         const MaskOptions& mask) {
    return value ? shown_json(key, *value, mask) : Json(nullptr);
}

Json optional_origin_json(const std::optional<config::Origin>& origin, const MaskOptions& mask) {
    return origin ? origin_json(masked_origin(*origin, mask)) : Json(nullptr);
}

void write_json_diff(std::ostream& out, const std::vector<config::DiffEntry>& diff,
                     const MaskOptions& mask) {
    Json changes = Json::array();
    for (const auto& entry : diff) {
        Json change = Json::object();
        change["key"] = entry.key;
        change["change"] = change_name(entry.change);
        change["before"] = optional_value_json(entry.key, entry.before, mask);
        change["after"] = optional_value_json(entry.key, entry.after, mask);
        change["before_origin"] = optional_origin_json(entry.before_origin, mask);
        change["after_origin"] = optional_origin_json(entry.after_origin, mask);
        changes.push_back(std::move(change));
    }
    const ChangeCounts counts = count_changes(diff);
    Json summary = Json::object();
    summary["added"] = counts.added;
    summary["removed"] = counts.removed;
    summary["changed"] = counts.changed;

    Json document = Json::object();
    document["changes"] = std::move(changes);
    document["summary"] = std::move(summary);
    write_json(out, document);
}

}  // namespace

void write_diff(std::ostream& out, Format format, const std::vector<config::DiffEntry>& diff,
                const MaskOptions& mask, bool color) {
    require_text_or_json(format, "a configuration diff");
    if (format == Format::json) {
        write_json_diff(out, diff, mask);
    } else {
        write_text_diff(out, diff, mask, color);
    }
}

}  // namespace xiaozhi::report
