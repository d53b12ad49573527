// diff-config output: semantic diffs and the layered view of an effective configuration.
#pragma once

#include <ostream>
#include <vector>

#include "analysis/finding.hpp"
#include "config/diff.hpp"
#include "config/effective.hpp"
#include "report/format.hpp"

namespace xiaozhi::report {

// How secrets are shown: masked as "***" unless show_secrets.
struct MaskOptions {
    bool show_secrets = false;
};

// text: "+ key = value  (origin)", "- key = value  (origin)",
// "~ key: before -> after  (origin -> origin)"; a changed secret prints
// "*** (before) -> *** (after)". json: {"changes":[{key, change, before, after,
// before_origin, after_origin}]}. Only text and json are valid formats.
void write_diff(std::ostream& out, Format format, const std::vector<config::DiffEntry>& diff,
                const MaskOptions& mask, bool color);

// One line per effective value: "key = value  [layer file:line:col]" followed by
// "    overrides value  [layer file:line:col]" lines (like git config --list --show-origin).
void write_layers(std::ostream& out, Format format, const config::Effective& effective,
                  const MaskOptions& mask, bool color);

// --check: findings introduced and resolved by the after side.
void write_finding_changes(std::ostream& out, Format format,
                           const std::vector<analysis::Finding>& introduced,
                           const std::vector<analysis::Finding>& resolved, bool color);

}  // namespace xiaozhi::report
