// The merged configuration: every value with the layer that set it and what it overrode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/layer.hpp"
#include "config/node.hpp"

namespace xiaozhi::config {

// Where a value came from: the layer kind name and the position in its source.
struct Origin {
    std::string layer;  // layer_kind_name(): "default", "file", "remote", "env", "set"
    Position pos;       // file "XIAOZHI_SERVER__PORT" for env, "--set server.port=8100" for set

    // "file:line:col" for files, "environment XIAOZHI_SERVER__PORT", "--set server.port=8100",
    // "built-in default".
    std::string to_string() const;
};

// A value that lost to a higher layer (or was dropped, with the reason in `note`).
struct Override {
    Origin origin;
    Node value;
    std::string note;
};

// One effective leaf: a scalar, a list, or an empty map.
struct Entry {
    std::string key;  // dotted path
    Path path;
    Node value;
    Origin origin;
    std::vector<Override> overridden;  // earlier winners, highest precedence first
};

class Effective {
  public:
    // Merges layers in the order given (lowest precedence first): maps merge key
    // by key, scalars and lists replace. A layer's `dropped` values are recorded
    // as overrides with their reason, its duplicate_keys kept as they are.
    static Effective merge(const std::vector<Layer>& layers);

    const Node& tree() const { return tree_; }
    // Leaves in tree order.
    const std::vector<Entry>& entries() const { return entries_; }
    const Entry* entry(std::string_view dotted) const;

    std::optional<std::string> get_string(std::string_view dotted) const;
    std::optional<std::int64_t> get_int(std::string_view dotted) const;
    std::optional<bool> get_bool(std::string_view dotted) const;
    const Node* get(std::string_view dotted) const;
    // Origin of a key; for a map key, the origin of its first leaf; "built-in default" if unset.
    Origin origin_of(std::string_view dotted) const;
    // The keys the merged file layers repeat, layer by layer in precedence order.
    const std::vector<DuplicateKey>& duplicate_keys() const { return duplicate_keys_; }

  private:
    Node tree_;
    std::vector<Entry> entries_;
    std::vector<DuplicateKey> duplicate_keys_;
};

}  // namespace xiaozhi::config
