// make_websocket_key and websocket_accept on OpenSSL's RAND_bytes and SHA1.
#include "protocol/websocket_key.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "protocol/crypto.hpp"

namespace xiaozhi::protocol {

std::string make_websocket_key() {
    std::array<std::uint8_t, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("OpenSSL's random generator failed");
    }
    return base64_encode(bytes);
}

std::string websocket_accept(std::string_view key) {
    const std::string text = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::array<std::uint8_t, SHA_DIGEST_LENGTH> digest{};
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return base64_encode(digest);
}

}  // namespace xiaozhi::protocol
