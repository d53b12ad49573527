// Tests of the firmware folder listing shared by OTA checks: reuse, age, invalidation, folder
// change.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "firmware_listing.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::server;
using namespace std::chrono_literals;
using Names = std::vector<std::string>;
using xiaozhi::test::TempDir;

TEST_CASE("a listing is reused until it is invalidated", "[firmware_listing]") {
    TempDir dir;
    dir.write("bin/bread_1.0.0.bin", "x");
    FirmwareListing listing(1h);
    const auto first = listing.names(dir.path() + "/bin");
    CHECK(*first == Names{"bread_1.0.0.bin"});
    dir.write("bin/bread_1.1.0.bin", "x");
    const auto again = listing.names(dir.path() + "/bin");
    CHECK(again == first);
    listing.invalidate();
    Names fresh = *listing.names(dir.path() + "/bin");
    std::sort(fresh.begin(), fresh.end());
    CHECK(fresh == Names{"bread_1.0.0.bin", "bread_1.1.0.bin"});
}

TEST_CASE("a listing older than its age is taken again", "[firmware_listing]") {
    TempDir dir;
    dir.write("bin/bread_1.0.0.bin", "x");
    FirmwareListing listing(0s);
    CHECK(listing.names(dir.path() + "/bin")->size() == 1);
    dir.write("bin/bread_1.1.0.bin", "x");
    CHECK(listing.names(dir.path() + "/bin")->size() == 2);
}

TEST_CASE("another folder is listed, and a missing one is empty", "[firmware_listing]") {
    TempDir dir;
    dir.write("one/a_1.0.0.bin", "x");
    dir.write("two/b_1.0.0.bin", "x");
    FirmwareListing listing(1h);
    CHECK(*listing.names(dir.path() + "/one") == Names{"a_1.0.0.bin"});
    CHECK(*listing.names(dir.path() + "/two") == Names{"b_1.0.0.bin"});
    CHECK(listing.names(dir.path() + "/missing")->empty());
}
