// Tests of dotted versions, firmware file names, name safety and the firmware choice.
#include <catch2/catch.hpp>

#include <algorithm>

#include "protocol/firmware_catalog.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::protocol;

TEST_CASE("parse_version reads dotted numeric versions only") {
    CHECK(parse_version("1.6.2") == VersionNumber{1, 6, 2});
    CHECK(parse_version("10") == VersionNumber{10});
    CHECK(parse_version("0.0.1") == VersionNumber{0, 0, 1});
    CHECK(parse_version("999999999.1") == VersionNumber{999999999, 1});
    for (std::string_view bad : {"", ".", "1.", ".1", "1..2", "v1.2", "1.2-rc1", "1.2 ", "1,2",
                                 "1.2.3.4.5.6.7.8.9", "1234567890", "-1", "1.+2"}) {
        INFO(bad);
        CHECK_FALSE(parse_version(bad));
        CHECK_FALSE(is_dotted_version(bad));
    }
}

TEST_CASE("compare_versions orders numerically") {
    const auto cmp = [](std::string_view a, std::string_view b) {
        return compare_versions(*parse_version(a), *parse_version(b));
    };
    CHECK(cmp("1.10", "1.9") > 0);
    CHECK(cmp("1.9", "1.10") < 0);
    CHECK(cmp("1.2", "1.2.0") == 0);
    CHECK(cmp("1.2.1", "1.2") > 0);
    CHECK(cmp("2", "1.99.99") > 0);
    CHECK(cmp("1.6.0", "1.6.0") == 0);
}

TEST_CASE("is_bare_file_name refuses every traversal attempt") {
    CHECK(is_bare_file_name("bread-compact-wifi_1.6.2.bin"));
    CHECK(is_bare_file_name("a"));
    const std::vector<std::string_view> bad_names = {"",
                                                     "../etc/passwd",
                                                     "..",
                                                     ".",
                                                     ".hidden.bin",
                                                     "a/b.bin",
                                                     "/etc/passwd",
                                                     "..\\windows\\win.ini",
                                                     "a\\b.bin",
                                                     "a..b.bin",
                                                     "%2e%2e/x",
                                                     "x/..",
                                                     std::string_view("a\0b.bin", 7),
                                                     "a\nb.bin",
                                                     "a\x7f.bin"};
    for (std::string_view bad : bad_names) {
        INFO(bad);
        CHECK_FALSE(is_bare_file_name(bad));
    }
    CHECK_FALSE(is_bare_file_name(std::string(256, 'a')));
    CHECK(is_bare_file_name(std::string(255, 'a')));
}

TEST_CASE("is_valid_model_name allows letters, digits, '-', '_' and '.'") {
    CHECK(is_valid_model_name("bread-compact-wifi"));
    CHECK(is_valid_model_name("esp32s3_box.v2"));
    for (std::string_view bad : {"", "a/b", "..", ".a", "a..b", "a b", "a\\b", "模型"}) {
        INFO(bad);
        CHECK_FALSE(is_valid_model_name(bad));
    }
    CHECK_FALSE(is_valid_model_name(std::string(65, 'a')));
}

TEST_CASE("firmware file names split at the last underscore") {
    CHECK(parse_firmware_file_name("esp32s3_box_1.2.3.bin") ==
          FirmwareFile{"esp32s3_box_1.2.3.bin", "esp32s3_box", "1.2.3"});
    CHECK(firmware_file_name("board", "1.0.0") == "board_1.0.0.bin");
    CHECK(parse_firmware_file_name(firmware_file_name("board", "1.0.0"))->version == "1.0.0");
    for (std::string_view bad :
         {"board_1.0.0.img", "board-1.0.0.bin", "board_latest.bin", "_1.0.bin", "board_.bin",
          "../board_1.0.bin", "board_1.0.bin.tmp"}) {
        INFO(bad);
        CHECK_FALSE(parse_firmware_file_name(bad));
    }
}

TEST_CASE("choose_firmware offers the newest version above the device's own") {
    const std::vector<std::string> names = {
        "board_1.5.0.bin",  "board_1.10.0.bin",     "board_1.9.9.bin", "other_9.0.0.bin",
        "board_latest.bin", "board_2.0.0.bin.part", "notes.txt",       "board_1.6.0.bin"};
    auto chosen = choose_firmware(names, "board", "1.6.0");
    REQUIRE(chosen);
    CHECK(chosen->file_name == "board_1.10.0.bin");
    CHECK(chosen->version == "1.10.0");

    // Already on the newest: nothing.
    CHECK_FALSE(choose_firmware(names, "board", "1.10.0"));
    // Newer than anything offered: nothing.
    CHECK_FALSE(choose_firmware(names, "board", "3.0"));
    // Equal counts as not newer.
    CHECK_FALSE(choose_firmware({"board_1.6.0.bin"}, "board", "1.6"));
    // Only another model's file is newer.
    CHECK_FALSE(choose_firmware({"other_9.0.0.bin"}, "board", "1.0.0"));
    // A model that is a prefix of another does not match it.
    CHECK_FALSE(choose_firmware({"board-pro_9.0.0.bin"}, "board", "1.0.0"));
    // A device version that is not numeric: no safe comparison, no offer.
    CHECK_FALSE(choose_firmware(names, "board", "1.6.0-beta"));
    CHECK_FALSE(choose_firmware(names, "board", ""));
    // A model with path characters is never matched.
    CHECK_FALSE(choose_firmware({"board_9.0.bin"}, "../board", "1.0"));
}

TEST_CASE("choose_firmware does not depend on listing order") {
    std::vector<std::string> names = {"board_1.2.bin", "board_1.2.0.bin", "board_1.1.bin"};
    const auto first = choose_firmware(names, "board", "1.0");
    std::reverse(names.begin(), names.end());
    const auto second = choose_firmware(names, "board", "1.0");
    REQUIRE(first);
    CHECK(first == second);
    CHECK(first->file_name == "board_1.2.0.bin");
}

TEST_CASE("list_firmware_folder lists regular files only, and nothing for a missing folder") {
    xiaozhi::test::TempDir dir;
    dir.write("board_1.0.0.bin", "x");
    dir.write("board_2.0.0.bin", "y");
    dir.write("sub/board_3.0.0.bin", "z");
    std::vector<std::string> names = list_firmware_folder(dir.path());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"board_1.0.0.bin", "board_2.0.0.bin"});
    CHECK(choose_firmware(names, "board", "1.0.0")->file_name == "board_2.0.0.bin");
    CHECK(list_firmware_folder(dir.path() + "/missing").empty());
}
