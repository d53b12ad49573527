// The keys this project understands, their types, which are secrets, which are legacy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/node.hpp"

namespace xiaozhi::config {

enum class ValueType {
    any,  // carried through, not checked
    boolean,
    integer,
    number,  // integer or float
    string,
    port,  // integer 1..65535 (the port.invalid rule checks the range)
    string_list,
    map,
    nullable_string,  // string or null
};

std::string_view value_type_name(ValueType type);

struct KeySpec {
    std::string key;  // dotted
    ValueType type;
    std::string description;
};

struct LegacyKey {
    std::string key;
    std::string replacement;  // what replaced it, as a sentence fragment
};

// All known keys (leaves and maps) of the owned sections and known top-level keys.
const std::vector<KeySpec>& known_keys();
const KeySpec* find_key(std::string_view dotted);

// server, xiaozhi, manager-api, log, echo, upstream: sections whose unknown keys are reported.
bool is_owned_section(std::string_view top_level_key);
// Every top-level key of the reference server's config.yaml (provider sections
// included) and of this project: these are never reported as unknown.
bool is_known_top_level(std::string_view top_level_key);

const std::vector<LegacyKey>& legacy_keys();
const LegacyKey* find_legacy_key(std::string_view dotted);

// The known key closest to `dotted` (same parent preferred, edit distance), if any is close.
std::optional<std::string> nearest_key(std::string_view dotted);

// Whether a value must be masked: the last segment is `secret`, `token`,
// `password`, `api_key`, or ends in `_key`/`_token`/`_secret`.
bool is_secret_key(std::string_view dotted);

// Whether `value` is acceptable for `type`.
bool matches_type(const Node& value, ValueType type);

}  // namespace xiaozhi::config
