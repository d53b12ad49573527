// The remote layer ota-push sends: the server's current one plus --file, --set and --unset.
#pragma once

#include <string>
#include <vector>

#include "config/layer.hpp"
#include "config/node.hpp"

namespace xiaozhi::client {

struct RemoteChange {
    std::string file;                      // --file: a layer (TOML, YAML or JSON) merged over
    std::vector<std::string> assignments;  // --set key=value, applied after the file
    std::vector<std::string> removals;     // --unset key, applied last

    bool empty() const { return file.empty() && assignments.empty() && removals.empty(); }
};

// `over` merged onto `base`: maps key by key, scalars and lists replace (as layers merge).
config::Node merge_trees(const config::Node& base, const config::Node& over);

// The new layer tree: `current` with the change applied. Throws config::InputError for an
// unreadable or invalid file, a malformed assignment, or a removed key the layer lacks.
config::Node changed_tree(const config::Node& current, const RemoteChange& change);

// The layer as the server will read it: with `from_management_api`, the keys the reference
// keeps local are dropped as config::remote_layer drops them.
config::Layer remote_layer_of(const config::Node& tree, bool from_management_api);

// The body of PUT /xiaozhi/admin/remote: the tree as JSON.
std::string layer_body(const config::Node& tree);

}  // namespace xiaozhi::client
