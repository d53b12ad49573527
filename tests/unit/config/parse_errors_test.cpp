// Input errors of files: unreadable, directory, too large, binary, and syntax detection.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>

#include "config/parse.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::config;
using xiaozhi::test::TempDir;

TEST_CASE("A missing file is an InputError naming the file") {
    TempDir dir;
    const std::string path = dir.path() + "/missing.yaml";
    CHECK_THROWS_WITH(parse_file(path), Catch::StartsWith(path + ": cannot read file"));
}

TEST_CASE("A directory is not a config file") {
    TempDir dir;
    CHECK_THROWS_WITH(parse_file(dir.path()), dir.path() + ": is a directory");
}

TEST_CASE("A path that cannot be opened is an InputError") {
    TempDir dir;
    const std::string file = dir.write("plain.yaml", "a: 1\n");
    const std::string path = file + "/config.yaml";
    CHECK_THROWS_WITH(parse_file(path),
                      Catch::StartsWith(path + ": cannot read file: ") && !Catch::Contains("\n"));
}

TEST_CASE("A file over the size limit is rejected before it is read") {
    TempDir dir;
    const std::string path = dir.path() + "/big.yaml";
    {
        std::ofstream out(path, std::ios::binary);
        out << "a: 1\n";
    }
    std::filesystem::resize_file(path, 17 * 1024 * 1024);
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(parse_file(path),
                      path + ": file is 17825792 bytes, larger than the limit of 16777216 bytes");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < std::chrono::milliseconds(200));
}

TEST_CASE("A file just under the size limit is parsed") {
    TempDir dir;
    std::string content = "a: 1\n# ";
    content += std::string(1024 * 1024, 'x');
    content += "\n";
    const std::string path = dir.write("near.yaml", content);
    CHECK(parse_file(path).find("a")->integer == 1);
}

TEST_CASE("NUL bytes and invalid UTF-8 are binary content") {
    CHECK_THROWS_WITH(parse_text(std::string("a: 1\nb: x\0y\n", 12), Syntax::yaml, "b.yaml"),
                      "b.yaml:2:5: binary content (NUL byte)");
    CHECK_THROWS_WITH(parse_text("a: \xff\xfe\n", Syntax::yaml, "b.yaml"),
                      "b.yaml:1:4: binary content (invalid UTF-8)");
    CHECK_THROWS_WITH(parse_text("a: \xed\xa0\x80\n", Syntax::toml, "b.toml"),
                      "b.toml:1:4: binary content (invalid UTF-8)");
    CHECK_THROWS_WITH(parse_text("{\"a\": \"\xc3\"}", Syntax::json, "b.json"),
                      "b.json:1:8: binary content (invalid UTF-8)");
    CHECK_NOTHROW(parse_text("a: 你好 é\n", Syntax::yaml, "u.yaml"));
}

TEST_CASE("A binary file on disk is rejected") {
    TempDir dir;
    const std::string path = dir.write("image.yaml", std::string("\x7f"
                                                                 "ELF\x02\x01\x01\0\0\0",
                                                                 10));
    CHECK_THROWS_WITH(parse_file(path),
                      Catch::StartsWith(path + ":1:") && Catch::Contains("binary content"));
}

TEST_CASE("Empty files are empty maps in every syntax") {
    for (const Syntax syntax : {Syntax::yaml, Syntax::toml, Syntax::json}) {
        const Node tree = parse_text("\n  \n", syntax, "empty");
        CHECK(tree.is_map());
        CHECK(tree.entries.empty());
    }
}

TEST_CASE("Syntax is chosen by extension, else sniffed from content") {
    CHECK(detect_syntax("a.yaml", "{}") == Syntax::yaml);
    CHECK(detect_syntax("a.YML", "") == Syntax::yaml);
    CHECK(detect_syntax("a.toml", "") == Syntax::toml);
    CHECK(detect_syntax("a.json", "") == Syntax::json);
    CHECK(detect_syntax("a.conf", "  {\"a\": 1}") == Syntax::json);
    CHECK(detect_syntax("a.conf", "# c\n[server]\nport = 1\n") == Syntax::toml);
    CHECK(detect_syntax("a.conf", "[1, 2]") == Syntax::json);
    CHECK(detect_syntax("a.conf", "server:\n  port: 1\n") == Syntax::yaml);
}

TEST_CASE("Error messages are one line even when the parser's are not") {
    const InputError error(Position{"f.yaml", 3, 4}, "first\nsecond\tthird");
    CHECK(std::string(error.what()) == "f.yaml:3:4: first second third");
    CHECK(error.message() == "first second third");
    CHECK(std::string(InputError(Position{"f.yaml", 0, 0}, "gone").what()) == "f.yaml: gone");
}
