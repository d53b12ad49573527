// YAML parser events checked against the limits before yaml-cpp builds (and recurses into) a tree.
#pragma once

#include <yaml-cpp/mark.h>

#include <functional>
#include <string>

#include "config/node.hpp"

namespace xiaozhi::config::detail {

// Where a yaml-cpp mark is in the text.
using MarkPosition = std::function<Position(const YAML::Mark&)>;

// Runs yaml-cpp's parser over `text`, building nothing, and throws InputError at the first map
// or list nested deeper than max_config_depth (so yaml-cpp recurses no deeper), at the value
// past max_config_values (each alias counts for nothing here; converting counts what it
// expands to), and at a string or key longer than max_config_string_bytes. Syntax errors
// are YAML::Exception, as when loading.
void check_yaml_shape(const std::string& text, const MarkPosition& position);

}  // namespace xiaozhi::config::detail
