// A finding: one problem (or fact) about a deployment, with the rule that found it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/effective.hpp"

namespace xiaozhi::analysis {

enum class Severity { info, warning, error };
std::string_view severity_name(Severity severity);  // "info", "warning", "error"

struct Finding {
    std::string rule;  // stable id from the catalogue, e.g. "port.conflict"
    Severity severity = Severity::error;
    std::string message;  // one sentence; names the origin of the values it talks about
    std::string key;      // dotted path of the value at fault
    config::Origin origin;
    std::vector<config::Origin> related;
    std::string suggestion;  // a concrete fix, may be empty
    // The compose projects (deploy::Model::deployment) the finding is about; empty when
    // the server runs on the host from source.
    std::vector<std::string> deployments;
};

// Most severe first, then by file, line, column, rule.
void sort_findings(std::vector<Finding>& findings);

// Whether any finding is at or above `threshold`.
bool any_at_or_above(const std::vector<Finding>& findings, Severity threshold);

}  // namespace xiaozhi::analysis
