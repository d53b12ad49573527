// The guard of the outputs that exist only as text and json (diffs, layers, finding changes).
#include "report/text_or_json.hpp"

#include <stdexcept>
#include <string>

namespace xiaozhi::report {

void require_text_or_json(Format format, std::string_view output) {
    if (format == Format::text || format == Format::json) return;
    throw std::invalid_argument(std::string(output) + " can be written as text or json, not " +
                                std::string(format_name(format)));
}

}  // namespace xiaozhi::report
