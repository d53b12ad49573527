// Pieces of the Prometheus text format shared by the metric renderers: headers and label values.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::server {

// "# HELP xiaozhi_<name> <help>" and "# TYPE xiaozhi_<name> <type>" lines.
void write_metric_header(std::string& out, std::string_view name, std::string_view type,
                         std::string_view help);

// A label value with Prometheus' escapes (backslash, double quote, newline).
std::string prometheus_label_value(std::string_view text);

}  // namespace xiaozhi::server
