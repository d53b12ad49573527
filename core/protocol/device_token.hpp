// The reference server's WebSocket token `<sig>.<ts>`: making and checking it; Bearer headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::protocol {

// Outcome of verify_token; names for logs and metrics come from token_check_name.
enum class TokenCheck { ok, malformed, bad_signature, expired, from_future };

// How far a token's timestamp may lie ahead of this clock (the device's or the
// issuer's clock running fast) before it is refused.
inline constexpr std::int64_t kTokenClockSkewSeconds = 300;

// "ok", "malformed", "bad_signature", "expired", "from_future".
std::string_view token_check_name(TokenCheck check);

// The token the reference server (xiaozhi-esp32-server's AuthManager) issues:
// `<sig>.<ts>` where `ts` is Unix seconds and `sig` is the unpadded base64url of
// HMAC-SHA256(auth_key, "<client_id>|<device_id>|<ts>"). Tokens made here verify
// there and vice versa.
std::string make_token(std::string_view auth_key, std::string_view client_id,
                       std::string_view device_id, std::int64_t unix_seconds);

// Checks a token against the ids the connection presented, at time `now` (Unix
// seconds). `malformed`: not exactly one '.', an empty signature, or a timestamp
// that is not a decimal number. The signature is compared in constant time and
// checked before the age, so only a genuine token is ever reported `expired`:
// now - ts > expire_seconds. A timestamp more than kTokenClockSkewSeconds ahead of `now`
// is `from_future` (the reference accepts it, and such a token would never expire).
TokenCheck verify_token(std::string_view auth_key, std::string_view token,
                        std::string_view client_id, std::string_view device_id, std::int64_t now,
                        std::int64_t expire_seconds);

// The credentials of an `Authorization: Bearer <token>` header value (scheme
// case-insensitive, surrounding blanks ignored); nullopt for another scheme or an
// empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace xiaozhi::protocol
