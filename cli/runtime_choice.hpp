// Which runtime the analysis assumes for the inputs of a subcommand.
#pragma once

#include <string>

#include "config/load.hpp"
#include "deploy/model.hpp"

namespace xiaozhi::cli {

// The runtime named by --runtime, or, when empty, python for a xiaozhi-server folder or a
// .yaml file and xiaozhi for everything else.
deploy::Runtime choose_runtime(const std::string& runtime_flag, const config::Loaded& loaded);

}  // namespace xiaozhi::cli
