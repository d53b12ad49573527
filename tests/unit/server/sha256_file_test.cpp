// protocol::sha256_file and hex_encode: known digests, chunked reads, unreadable files.
#include <catch2/catch.hpp>

#include "protocol/crypto.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;

TEST_CASE("sha256_file digests a file like sha256sum", "[crypto][upload]") {
    test::TempDir dir;
    const std::string abc = dir.write("abc.txt", "abc");
    const auto digest = protocol::sha256_file(abc);
    REQUIRE(digest);
    CHECK(protocol::hex_encode(*digest) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    const std::string empty = dir.write("empty", "");
    CHECK(protocol::hex_encode(*protocol::sha256_file(empty)) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("sha256_file reads files larger than its buffer", "[crypto][upload]") {
    test::TempDir dir;
    // One million 'a': the FIPS 180-2 long test vector, read in several chunks.
    const std::string path = dir.write("million", std::string(1000000, 'a'));
    CHECK(protocol::hex_encode(*protocol::sha256_file(path)) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256_file is nullopt for a missing file or a folder", "[crypto][upload]") {
    test::TempDir dir;
    CHECK_FALSE(protocol::sha256_file(dir.path() + "/absent"));
    CHECK_FALSE(protocol::sha256_file(dir.path()));
}

TEST_CASE("hex_encode writes two lower-case digits per byte", "[crypto]") {
    const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
    CHECK(protocol::hex_encode(bytes) == "000fa0ff");
    CHECK(protocol::hex_encode(std::span<const std::uint8_t>{}).empty());
}
