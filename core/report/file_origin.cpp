// Telling origins in files apart from the environment, --set and built-in defaults.
#include "config/layer.hpp"
#include "report/findings_writers.hpp"

namespace xiaozhi::report {

bool is_file_origin(const config::Origin& origin) {
    using config::LayerKind;
    if (origin.pos.file.empty()) return false;
    return origin.layer != config::layer_kind_name(LayerKind::defaults) &&
           origin.layer != config::layer_kind_name(LayerKind::environment) &&
           origin.layer != config::layer_kind_name(LayerKind::command_line);
}

}  // namespace xiaozhi::report
