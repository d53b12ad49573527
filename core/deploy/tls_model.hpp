// The TLS part of the deployment model: the TLS listener, TLS on the plain ones, certificates.
#pragma once

#include <string>

#include "config/effective.hpp"
#include "deploy/model.hpp"

namespace xiaozhi::deploy {

// For runtime xiaozhi, after the plain listeners are in `model` (see build_model).
void add_tls(const config::Effective& effective, const std::string& base_dir, Model& model);

}  // namespace xiaozhi::deploy
