// Prometheus text format pieces: metric headers and escaped label values.
#include "prometheus_text.hpp"

#include <fmt/format.h>

namespace xiaozhi::server {

void write_metric_header(std::string& out, std::string_view name, std::string_view type,
                         std::string_view help) {
    out += fmt::format("# HELP xiaozhi_{} {}\n# TYPE xiaozhi_{} {}\n", name, help, name, type);
}

std::string prometheus_label_value(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace xiaozhi::server
