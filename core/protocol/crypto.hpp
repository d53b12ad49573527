// HMAC-SHA256, file SHA-256, hex, Base64 and constant-time comparison behind tokens and uploads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace xiaozhi::protocol {

using Sha256Digest = std::array<std::uint8_t, 32>;

// HMAC-SHA256 of `data` keyed with `key` (both taken as raw bytes, e.g. UTF-8 text).
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// SHA-256 of a file's content, read in chunks through OpenSSL's EVP interface; nullopt
// when the file cannot be opened or read.
std::optional<Sha256Digest> sha256_file(const std::string& path);

// Lower-case hexadecimal text of `bytes`, two digits per byte ("sha256sum" style).
std::string hex_encode(std::span<const std::uint8_t> bytes);

// Standard Base64 (RFC 4648 §4) with '=' padding, as Python's base64.b64encode.
std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view text);

// Standard Base64 decoded ('=' padding optional); nullopt for a character outside the alphabet
// or a length no encoding has.
std::optional<std::string> base64_decode(std::string_view text);

// URL-safe Base64 (RFC 4648 §5: '-' and '_') without padding, as Python's
// base64.urlsafe_b64encode(...).rstrip("=").
std::string base64url_encode_unpadded(std::span<const std::uint8_t> bytes);

// Whether `a` and `b` are equal, in time that depends on neither their contents nor
// where they differ (both are hashed first, so not even on their lengths). For
// secrets such as the admin bearer token.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace xiaozhi::protocol
