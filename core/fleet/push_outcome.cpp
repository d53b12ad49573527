// Reading "remote_revision" and "remote_outcome" of a registry entry against a pushed revision.
#include "fleet/push_outcome.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace xiaozhi::fleet {

namespace {

// A revision as registry entries write it ("12"); 0 when absent or not a number.
std::uint64_t revision_in(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return 0;
    const std::string& text = it->get_ref<const std::string&>();
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    return error == std::errc{} && end == text.data() + text.size() ? number : 0;
}

}  // namespace

std::string_view push_outcome_name(PushOutcome outcome) {
    switch (outcome) {
        case PushOutcome::applied:
            return "applied";
        case PushOutcome::refused:
            return "refused";
        case PushOutcome::superseded:
            return "superseded";
        case PushOutcome::pending:
            break;
    }
    return "pending";
}

InstanceOutcome outcome_of(std::string_view instance, std::string_view json,
                           std::uint64_t revision) {
    InstanceOutcome result;
    result.instance = std::string(instance);
    const nlohmann::json entry = nlohmann::json::parse(json, nullptr, false);
    if (!entry.is_object()) return result;
    result.websocket_url = entry.value("websocket_url", std::string());
    const std::uint64_t running = revision_in(entry, "remote_revision");
    if (running == revision) {
        result.outcome = PushOutcome::applied;
    } else if (running > revision) {
        result.outcome = PushOutcome::superseded;
    } else if (const auto it = entry.find("remote_outcome");
               it != entry.end() && it->is_object() && revision_in(*it, "revision") == revision &&
               it->value("status", std::string()) == "refused") {
        result.outcome = PushOutcome::refused;
        result.reason = it->value("reason", std::string());
    }
    return result;
}

}  // namespace xiaozhi::fleet
