// The JSON form of a snapshot's "time" and "certificates" fields (internal to core/host).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tls/certificate_file.hpp"

namespace xiaozhi::host {

nlohmann::json certificates_to_json(const std::vector<tls::CertificatePair>& pairs);
// Throws config::InputError naming `file` and the bad field (under "certificates").
std::vector<tls::CertificatePair> certificates_from_json(const nlohmann::json& value,
                                                         const std::string& file);

// "2026-01-31T12:00:00Z"; from_json throws config::InputError naming `file` and `field`.
nlohmann::json time_to_json(std::chrono::system_clock::time_point time);
std::chrono::system_clock::time_point time_from_json(const nlohmann::json& value,
                                                     const std::string& file,
                                                     const std::string& field);

}  // namespace xiaozhi::host
