// A key written twice in one YAML map, which PyYAML reads by keeping the later value.
#pragma once

#include <string>

#include "config/node.hpp"

namespace xiaozhi::config {

// One repetition of a key: the map keeps the key at its first place with the last value
// written (as a PyYAML dict does). A key written three times gives two of these, both
// with the first occurrence in `first`.
struct DuplicateKey {
    std::string key;  // dotted path; list items are numbered from 0 ("servers.0.port")
    Position first;   // the key where it is first written
    Position later;   // the key where it is written again
    Node value;       // the value the map keeps: the last one written
};

}  // namespace xiaozhi::config
