// What check-ports and diff-config write on standard output when an input error stops them.
#pragma once

#include "check_ports.hpp"
#include "config/input_error.hpp"
#include "diff_config.hpp"

namespace xiaozhi::cli {

// The --format document of a check-ports run stopped by `error` (nothing for text).
void write_check_ports_input_error(const CheckPortsOptions& options,
                                   const config::InputError& error);

// With --format json, diff-config's {"errors":[…]} for `error`; nothing for text.
void write_diff_config_input_error(const DiffConfigOptions& options,
                                   const config::InputError& error);

}  // namespace xiaozhi::cli
