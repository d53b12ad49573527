// Tests of the reference-compatible device token, Bearer parsing and constant-time comparison.
#include <catch2/catch.hpp>

#include "protocol/crypto.hpp"
#include "protocol/device_token.hpp"

using namespace xiaozhi::protocol;

namespace {

constexpr std::string_view kKey = "test-auth-key";
constexpr std::string_view kClient = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
constexpr std::string_view kDevice = "aa:bb:cc:dd:ee:ff";
constexpr std::int64_t kTs = 1700000000;
constexpr std::int64_t kThirtyDays = 2592000;

// Computed independently with the reference's algorithm:
// /usr/bin/python3 -c "import hmac,hashlib,base64; key='test-auth-key';
//   cid='3f2504e0-4f89-11d3-9a0c-0305e82c3301'; did='aa:bb:cc:dd:ee:ff'; ts=1700000000;
//   sig=base64.urlsafe_b64encode(hmac.new(key.encode(), f'{cid}|{did}|{ts}'.encode(),
//   hashlib.sha256).digest()).decode().rstrip('='); print(f'{sig}.{ts}')"
constexpr std::string_view kReferenceToken =
    "XVAXw3tXv6_5Pxj3YGD6aAz-wX0YhIWKywYs4Sk8Jkw.1700000000";

}  // namespace

TEST_CASE("make_token matches a token computed with the reference algorithm") {
    CHECK(make_token(kKey, kClient, kDevice, kTs) == kReferenceToken);
}

TEST_CASE("verify_token accepts a reference token within its lifetime") {
    const std::string token(kReferenceToken);
    CHECK(verify_token(kKey, token, kClient, kDevice, kTs, kThirtyDays) == TokenCheck::ok);
    CHECK(verify_token(kKey, token, kClient, kDevice, kTs + kThirtyDays, kThirtyDays) ==
          TokenCheck::ok);
    // A clock a few minutes behind the issuer's still accepts it.
    CHECK(verify_token(kKey, token, kClient, kDevice, kTs - kTokenClockSkewSeconds, kThirtyDays) ==
          TokenCheck::ok);
}

TEST_CASE("verify_token refuses a timestamp further ahead than the clock skew") {
    // The reference accepts it, and such a token would never expire.
    CHECK(verify_token(kKey, kReferenceToken, kClient, kDevice, kTs - kTokenClockSkewSeconds - 1,
                       kThirtyDays) == TokenCheck::from_future);
    CHECK(verify_token(kKey, kReferenceToken, kClient, kDevice, kTs - 3600, kThirtyDays) ==
          TokenCheck::from_future);
    const std::string far = make_token("k", "c", "d", 9'000'000'000'000'000'000);
    CHECK(verify_token("k", far, "c", "d", -9'000'000'000'000'000'000, 10) ==
          TokenCheck::from_future);
    CHECK(token_check_name(TokenCheck::from_future) == "from_future");
}

TEST_CASE("verify_token reports expiry one second after the lifetime") {
    CHECK(verify_token(kKey, kReferenceToken, kClient, kDevice, kTs + kThirtyDays + 1,
                       kThirtyDays) == TokenCheck::expired);
}

TEST_CASE("verify_token rejects tampered tokens and other identities") {
    std::string tampered(kReferenceToken);
    tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
    CHECK(verify_token(kKey, tampered, kClient, kDevice, kTs, kThirtyDays) ==
          TokenCheck::bad_signature);
    // A later timestamp with the old signature: the signature covers the timestamp.
    const std::string moved = std::string(kReferenceToken.substr(0, 43)) + ".1700000001";
    CHECK(verify_token(kKey, moved, kClient, kDevice, kTs, kThirtyDays) ==
          TokenCheck::bad_signature);
    CHECK(verify_token(kKey, kReferenceToken, kClient, "aa:bb:cc:dd:ee:00", kTs, kThirtyDays) ==
          TokenCheck::bad_signature);
    CHECK(verify_token(kKey, kReferenceToken, "other-client", kDevice, kTs, kThirtyDays) ==
          TokenCheck::bad_signature);
    CHECK(verify_token("other-key", kReferenceToken, kClient, kDevice, kTs, kThirtyDays) ==
          TokenCheck::bad_signature);
    // A truncated signature.
    const std::string shorter = std::string(kReferenceToken.substr(0, 42)) + ".1700000000";
    CHECK(verify_token(kKey, shorter, kClient, kDevice, kTs, kThirtyDays) ==
          TokenCheck::bad_signature);
    // An expired forgery is a bad signature, not "expired".
    CHECK(verify_token(kKey, tampered, kClient, kDevice, kTs + 10 * kThirtyDays, kThirtyDays) ==
          TokenCheck::bad_signature);
}

TEST_CASE("verify_token reports malformed tokens") {
    for (std::string_view token : {"", "abc", ".1700000000", "abc.", "abc.17x", "a.b.1", "abc.-5",
                                   "abc.+5", "abc. 5", "abc.99999999999999999999"}) {
        INFO(token);
        CHECK(verify_token(kKey, token, kClient, kDevice, kTs, kThirtyDays) ==
              TokenCheck::malformed);
    }
    CHECK(token_check_name(TokenCheck::malformed) == "malformed");
    CHECK(token_check_name(TokenCheck::expired) == "expired");
}

TEST_CASE("tokens made here verify here") {
    const std::string token = make_token("k", "c", "d", 42);
    CHECK(verify_token("k", token, "c", "d", 42, 10) == TokenCheck::ok);
    CHECK(verify_token("k", token, "c", "d", 53, 10) == TokenCheck::expired);
    // An empty key is still a key.
    const std::string unkeyed = make_token("", "c", "d", 42);
    CHECK(verify_token("", unkeyed, "c", "d", 42, 10) == TokenCheck::ok);
    CHECK(verify_token("k", unkeyed, "c", "d", 42, 10) == TokenCheck::bad_signature);
}

TEST_CASE("bearer_token reads the Authorization header") {
    CHECK(bearer_token("Bearer abc.123") == "abc.123");
    CHECK(bearer_token("bearer   abc ") == "abc");
    CHECK(bearer_token(" BEARER\tx") == "x");
    CHECK_FALSE(bearer_token("Basic abc"));
    CHECK_FALSE(bearer_token("Bearer"));
    CHECK_FALSE(bearer_token("Bearer   "));
    CHECK_FALSE(bearer_token("Bearerabc"));
    CHECK_FALSE(bearer_token(""));
}

TEST_CASE("constant_time_equal compares whole strings") {
    CHECK(constant_time_equal("admin-secret", "admin-secret"));
    CHECK(constant_time_equal("", ""));
    CHECK_FALSE(constant_time_equal("admin-secret", "admin-secreT"));
    CHECK_FALSE(constant_time_equal("admin-secret", "admin-secret "));
    CHECK_FALSE(constant_time_equal("admin-secret", ""));
    CHECK_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST_CASE("Base64 encoders match Python's") {
    // Expected values from /usr/bin/python3: base64.b64encode(b'f'), b'fo', b'foo', and
    // base64.urlsafe_b64encode(bytes([0xfb, 0xff, 0xfe])).
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    const std::array<std::uint8_t, 3> url_bytes = {0xFB, 0xFF, 0xFE};
    CHECK(base64url_encode_unpadded(url_bytes) == "-__-");
    const std::array<std::uint8_t, 1> one = {0xFB};
    CHECK(base64url_encode_unpadded(one) == "-w");
}

TEST_CASE("base64_decode reverses base64_encode and refuses what no encoder writes") {
    for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        CHECK(base64_decode(base64_encode(text)) == text);
    }
    CHECK(base64_decode("Zm9v") == std::string("foo"));
    CHECK(base64_decode("Zg") == std::string("f"));  // padding left out, as etcd never does
    CHECK_FALSE(base64_decode("Zm9v!"));
    CHECK_FALSE(base64_decode("Z"));
    CHECK_FALSE(base64_decode(std::string_view("Zm\0v", 4)));
}
