// config.type: known keys whose value has the wrong type.
#include <string>

#include "analysis/config_wording.hpp"
#include "analysis/rule_families.hpp"
#include "config/schema.hpp"

namespace xiaozhi::analysis {

void check_config_types(const Inputs& inputs, Findings& out) {
    for (const auto& entry : inputs.effective.entries()) {
        const config::KeySpec* spec = config::find_key(entry.key);
        if (!spec) continue;
        // An integer port out of range is port.invalid's, not a type error.
        if (spec->type == config::ValueType::port && entry.value.kind == config::Kind::integer) {
            continue;
        }
        // The reference reads its ports with int(): "8000" is a port there.
        if (spec->type == config::ValueType::port &&
            inputs.model.runtime == deploy::Runtime::python &&
            entry.value.kind == config::Kind::string && deploy::port_in_text(entry.value.text)) {
            continue;
        }
        // What a null WebSocket URL does to the reference is url.sentinel-host's to say.
        if (inputs.model.runtime == deploy::Runtime::python && entry.key == "server.websocket" &&
            entry.value.kind == config::Kind::null) {
            continue;
        }
        if (config::matches_type(entry.value, spec->type)) continue;
        out.push_back(type_finding(entry.key, spec->type, entry.value, entry.origin));
    }
}

}  // namespace xiaozhi::analysis
