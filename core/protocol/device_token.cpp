// Reference-compatible HMAC tokens for the device WebSocket, and Bearer header parsing.
#include "protocol/device_token.hpp"

#include <openssl/crypto.h>

#include <charconv>

#include "protocol/crypto.hpp"

namespace xiaozhi::protocol {

namespace {

std::string signature_of(std::string_view auth_key, std::string_view client_id,
                         std::string_view device_id, std::int64_t unix_seconds) {
    std::string content;
    content.reserve(client_id.size() + device_id.size() + 24);
    content.append(client_id).append("|").append(device_id).append("|");
    content.append(std::to_string(unix_seconds));
    return base64url_encode_unpadded(hmac_sha256(auth_key, content));
}

std::optional<std::int64_t> parse_unix_seconds(std::string_view text) {
    if (text.empty()) return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace

std::string_view token_check_name(TokenCheck check) {
    switch (check) {
        case TokenCheck::ok:
            return "ok";
        case TokenCheck::malformed:
            return "malformed";
        case TokenCheck::bad_signature:
            return "bad_signature";
        case TokenCheck::expired:
            return "expired";
        case TokenCheck::from_future:
            return "from_future";
    }
    return "malformed";
}

std::string make_token(std::string_view auth_key, std::string_view client_id,
                       std::string_view device_id, std::int64_t unix_seconds) {
    return signature_of(auth_key, client_id, device_id, unix_seconds) + "." +
           std::to_string(unix_seconds);
}

TokenCheck verify_token(std::string_view auth_key, std::string_view token,
                        std::string_view client_id, std::string_view device_id, std::int64_t now,
                        std::int64_t expire_seconds) {
    const std::size_t dot = token.find('.');
    if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
        return TokenCheck::malformed;
    }
    const std::string_view given_signature = token.substr(0, dot);
    const std::optional<std::int64_t> ts = parse_unix_seconds(token.substr(dot + 1));
    if (given_signature.empty() || !ts) return TokenCheck::malformed;

    const std::string expected = signature_of(auth_key, client_id, device_id, *ts);
    if (expected.size() != given_signature.size() ||
        CRYPTO_memcmp(expected.data(), given_signature.data(), expected.size()) != 0) {
        return TokenCheck::bad_signature;
    }
    // now - ts > expire_seconds, written so that it cannot overflow.
    if (*ts < now && now - *ts > expire_seconds) return TokenCheck::expired;
    // ts - now > skew, written so that it cannot overflow (ts is never negative).
    if (*ts - kTokenClockSkewSeconds > now) return TokenCheck::from_future;
    return TokenCheck::ok;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    authorization = trim_blanks(authorization);
    constexpr std::string_view scheme = "bearer";
    if (authorization.size() <= scheme.size() || !is_blank(authorization[scheme.size()])) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        char c = authorization[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != scheme[i]) return std::nullopt;
    }
    const std::string_view credentials = trim_blanks(authorization.substr(scheme.size()));
    if (credentials.empty()) return std::nullopt;
    return credentials;
}

}  // namespace xiaozhi::protocol
