// Hand-made findings and origins for the report tests.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"

namespace xiaozhi::report::test {

inline config::Origin file_origin(std::string file, int line, int column) {
    return config::Origin{"file", config::Position{std::move(file), line, column}};
}

inline config::Origin env_origin(std::string variable) {
    return config::Origin{"env", config::Position{std::move(variable), 0, 0}};
}

// An origin in the --set layer, as config::command_line_layer writes it.
inline config::Origin set_origin(const std::string& assignment) {
    return config::Origin{"set", config::Position{"--set " + assignment, 0, 0}};
}

inline analysis::Finding make_finding(std::string rule, analysis::Severity severity,
                                      std::string message, std::string key, config::Origin origin) {
    analysis::Finding finding;
    finding.rule = std::move(rule);
    finding.severity = severity;
    finding.message = std::move(message);
    finding.key = std::move(key);
    finding.origin = std::move(origin);
    return finding;
}

// Two errors (one with a suggestion and a related origin), one warning, no info.
inline std::vector<analysis::Finding> sample_findings() {
    auto conflict = make_finding("port.conflict", analysis::Severity::error,
                                 "server.port 8000 is also server.http_port", "server.port",
                                 file_origin("config.yaml", 3, 9));
    conflict.suggestion = "set server.http_port to 8003";
    conflict.related.push_back(file_origin("data/.config.yaml", 7, 14));
    auto mismatch = make_finding("url.port-mismatch", analysis::Severity::error,
                                 "server.websocket advertises port 8000", "server.websocket",
                                 file_origin("data/.config.yaml", 2, 14));
    auto placeholder = make_finding("url.placeholder", analysis::Severity::warning,
                                    "server.vision_explain is still the template text",
                                    "server.vision_explain", file_origin("config.yaml", 12, 18));
    return {conflict, mismatch, placeholder};
}

// The lines of `text`, without their newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace xiaozhi::report::test
