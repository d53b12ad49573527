// HMAC-SHA256, file SHA-256 and Base64 through OpenSSL's libcrypto; constant-time comparison.
#include "protocol/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace xiaozhi::protocol {

namespace {

constexpr char kStandardAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode_base64(std::span<const std::uint8_t> bytes, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group =
            (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out += alphabet[(group >> 18) & 0x3F];
        out += alphabet[(group >> 12) & 0x3F];
        out += alphabet[(group >> 6) & 0x3F];
        out += alphabet[group & 0x3F];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 0) return out;
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) group |= std::uint32_t{bytes[i + 1]} << 8;
    out += alphabet[(group >> 18) & 0x3F];
    out += alphabet[(group >> 12) & 0x3F];
    if (rest == 2) out += alphabet[(group >> 6) & 0x3F];
    if (pad) out.append(rest == 1 ? 2 : 1, '=');
    return out;
}

Sha256Digest sha256(std::string_view data) {
    Sha256Digest digest{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
    return digest;
}

}  // namespace

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
    Sha256Digest digest{};
    unsigned int length = 0;
    // OpenSSL rejects a null key pointer even with length 0; an empty key is still a valid key.
    static const unsigned char empty = 0;
    const void* key_bytes = key.empty() ? static_cast<const void*>(&empty) : key.data();
    if (!HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(),
              &length) ||
        length != digest.size()) {
        throw std::runtime_error("HMAC-SHA256 failed in libcrypto");
    }
    return digest;
}

std::optional<Sha256Digest> sha256_file(const std::string& path) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                               &std::fclose);
    if (!file) return std::nullopt;
    const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(),
                                                                     &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 initialisation failed in libcrypto");
    }
    std::array<unsigned char, 64 * 1024> buffer{};
    while (true) {
        const std::size_t count = std::fread(buffer.data(), 1, buffer.size(), file.get());
        if (count > 0 && EVP_DigestUpdate(context.get(), buffer.data(), count) != 1) {
            throw std::runtime_error("SHA-256 update failed in libcrypto");
        }
        if (count < buffer.size()) break;
    }
    if (std::ferror(file.get())) return std::nullopt;
    Sha256Digest digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size()) {
        throw std::runtime_error("SHA-256 finalisation failed in libcrypto");
    }
    return digest;
}

std::string hex_encode(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0F];
    }
    return out;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    return encode_base64(bytes, kStandardAlphabet, true);
}

std::string base64_encode(std::string_view text) {
    return base64_encode(
        std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t group = 0;
    int bits = 0;
    for (char c : text) {
        const char* at = std::strchr(kStandardAlphabet, c);
        if (c == '\0' || at == nullptr) return std::nullopt;
        group = (group << 6) | static_cast<std::uint32_t>(at - kStandardAlphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((group >> bits) & 0xFF);
        }
    }
    return out;
}

std::string base64url_encode_unpadded(std::span<const std::uint8_t> bytes) {
    return encode_base64(bytes, kUrlAlphabet, false);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    const Sha256Digest da = sha256(a);
    const Sha256Digest db = sha256(b);
    return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace xiaozhi::protocol
