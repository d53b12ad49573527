// The config.type finding, shared by the type rule and the key walk (map for a scalar).
#include "analysis/config_wording.hpp"

#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

// "an integer", "a list of strings", ...
std::string expected_phrase(config::ValueType type) {
    switch (type) {
        case config::ValueType::any:
            return "any value";
        case config::ValueType::boolean:
            return "a boolean (true or false)";
        case config::ValueType::integer:
        case config::ValueType::port:
            return "an integer";
        case config::ValueType::number:
            return "a number";
        case config::ValueType::string:
            return "a string";
        case config::ValueType::string_list:
            return "a list of strings";
        case config::ValueType::map:
            return "a map of keys";
        case config::ValueType::nullable_string:
            return "a string or null";
    }
    return "a value of type " + std::string(config::value_type_name(type));
}

}  // namespace

Finding type_finding(const std::string& key, config::ValueType type, const config::Node& value,
                     const config::Origin& origin) {
    std::string got =
        value.kind == config::Kind::null
            ? std::string("null")
            : std::string(config::kind_name(value.kind)) + " " + shown_value(key, value);
    return make_finding("config.type", Severity::error,
                        key + ": expected " + expected_phrase(type) + ", got " + got + " (" +
                            origin.to_string() + ")",
                        key, origin, "write " + key + " as " + expected_phrase(type));
}

}  // namespace xiaozhi::analysis
