// Pure checks over CertificateFacts: does it name a host (RFC 6125), is it valid at a time.
#pragma once

#include <chrono>
#include <string_view>

#include "tls/certificate_facts.hpp"

namespace xiaozhi::tls {

// RFC 6125: DNS names compare case-insensitively (a trailing dot on the host is ignored), a
// wildcard only as the whole leftmost label, matching exactly one label and never a bare
// public-suffix-like name ("*.com"); an IP host ("192.0.2.7", "::1", "[::1]") matches only an IP
// SAN (never a DNS name or the CN); the CN is used only when the certificate has no SAN at all
// (and never for an IP).
bool covers_host(const CertificateFacts& leaf, std::string_view host);

enum class Validity { valid, expiring, expired, not_yet_valid };

// not_yet_valid before not_before, expired after not_after, expiring when not_after is at most
// `warn_before` away, else valid.
Validity validity_at(const CertificateFacts& leaf, std::chrono::system_clock::time_point now,
                     std::chrono::seconds warn_before = std::chrono::hours(24 * 30));

// "valid", "expiring", "expired", "not_yet_valid".
std::string_view validity_name(Validity validity);

}  // namespace xiaozhi::tls
