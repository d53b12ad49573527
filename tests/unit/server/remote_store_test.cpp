// RemoteStore: staging, committing, history trimming, corrupt files, atomic writes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "remote_store.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using server::RemoteRevision;
using server::RemoteStore;

namespace {

config::Node tree_of(const std::string& json) {
    return config::parse_text(json, config::Syntax::json, "test");
}

std::string commit(const RemoteStore& store, const std::string& json, std::string message = {}) {
    const server::StagedRevision staged = store.stage(tree_of(json));
    RemoteRevision meta;
    meta.message = std::move(message);
    return store.commit(staged, meta);
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("an empty store has revision 0 and no layer file", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path() + "/state");
    CHECK(store.current_revision() == 0);
    CHECK_FALSE(store.current_layer_path());
    CHECK(store.history().empty());
    CHECK(store.layer_tree(0).entries.empty());
}

TEST_CASE("a committed revision becomes current with its changed keys", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path() + "/state");
    CHECK(commit(store, R"({"server": {"websocket": "ws://10.0.0.2:8000/xiaozhi/v1/"}})",
                 "first") == "1");
    CHECK(commit(store, R"({"server": {"websocket": "ws://10.0.0.3:8000/xiaozhi/v1/",
                                       "port": 8100}})") == "2");

    CHECK(store.current_revision() == 2);
    REQUIRE(store.current_layer_path());
    CHECK(*store.current_layer_path() == dir.path() + "/state/remote/000002.json");
    const config::Node tree = config::parse_file(*store.current_layer_path());
    CHECK(tree.find(config::Path{"server", "port"})->integer == 8100);

    const std::vector<RemoteRevision> history = store.history();
    REQUIRE(history.size() == 2);
    CHECK(history[0].number == 2);
    CHECK(history[0].previous == 1);
    CHECK(history[0].changed_keys == std::vector<std::string>{"server.port", "server.websocket"});
    CHECK(history[1].message == "first");
    CHECK(history[1].changed_keys == std::vector<std::string>{"server.websocket"});
    CHECK(store.keys_changed_between(0, 2) ==
          std::vector<std::string>{"server.port", "server.websocket"});
}

TEST_CASE("a discarded stage leaves no file and does not move the revision", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path());
    commit(store, R"({"a": 1})");
    const server::StagedRevision staged = store.stage(tree_of(R"({"a": 2})"));
    CHECK(std::filesystem::exists(staged.path));
    store.discard(staged);
    CHECK_FALSE(std::filesystem::exists(staged.path));
    CHECK(store.current_revision() == 1);
    CHECK(names_in(store.directory()) == std::vector<std::string>{"000001.json", "index.json"});
}

TEST_CASE("a commit whose stage was overtaken is refused", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path());
    const server::StagedRevision stale = store.stage(tree_of(R"({"a": 1})"));
    commit(store, R"({"a": 2})");
    CHECK_THROWS_AS(store.commit(stale, RemoteRevision{}), std::runtime_error);
    CHECK(store.current_revision() == 1);
}

TEST_CASE("only the last 20 revisions are kept, numbers keep growing", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path());
    for (int i = 1; i <= 22; ++i) commit(store, R"({"n": )" + std::to_string(i) + "}");
    const auto history = store.history();
    REQUIRE(history.size() == RemoteStore::kept_revisions);
    CHECK(history.front().number == 22);
    CHECK(history.back().number == 3);
    CHECK_FALSE(store.find(2));
    CHECK_FALSE(std::filesystem::exists(store.layer_path(2)));
    CHECK(std::filesystem::exists(store.layer_path(3)));
    CHECK(names_in(store.directory()).size() == RemoteStore::kept_revisions + 1);
}

TEST_CASE("a failed write leaves no partial or temporary file", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path());
    commit(store, R"({"a": 1})");
    // A folder where revision 2's file must go makes the rename fail.
    std::filesystem::create_directories(store.layer_path(2));
    CHECK_THROWS_AS(store.stage(tree_of(R"({"a": 2})")), std::runtime_error);
    CHECK(names_in(store.directory()) ==
          std::vector<std::string>{"000001.json", "000002.json", "index.json"});
    CHECK(std::filesystem::is_directory(store.layer_path(2)));
    CHECK(store.current_revision() == 1);
}

TEST_CASE("a corrupt index or layer file is an InputError naming the file", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path());
    commit(store, R"({"a": 1})");
    dir.write("remote/000001.json", "{\"a\": ");
    try {
        store.layer_tree(1);
        FAIL("no error");
    } catch (const config::InputError& error) {
        CHECK(error.position().file == store.layer_path(1));
    }
    dir.write("remote/index.json", "{\"current\": \"one\"}");
    try {
        store.current_revision();
        FAIL("no error");
    } catch (const config::InputError& error) {
        CHECK(error.position().file == store.directory() + "/index.json");
        CHECK_THAT(error.what(), Catch::Contains("corrupt revision index"));
    }
}

TEST_CASE("confirm clears the deadline of the current revision only", "[remote_store]") {
    test::TempDir dir;
    const RemoteStore store(dir.path());
    commit(store, R"({"a": 1})");
    RemoteRevision meta;
    meta.confirm_deadline_ms = 1000;
    store.commit(store.stage(tree_of(R"({"a": 2})")), meta);
    CHECK(store.confirm(1) == server::ConfirmOutcome::not_current);
    CHECK(store.find(2)->confirm_deadline_ms == 1000);
    CHECK(store.confirm(2) == server::ConfirmOutcome::confirmed);
    CHECK_FALSE(store.find(2)->confirm_deadline_ms);
    CHECK(store.confirm(2) == server::ConfirmOutcome::not_pending);
}

TEST_CASE("ETags parse with and without quotes", "[remote_store]") {
    CHECK(RemoteStore::parse_etag("7") == 7u);
    CHECK(RemoteStore::parse_etag("\"7\"") == 7u);
    CHECK(RemoteStore::parse_etag("W/\"12\"") == 12u);
    CHECK_FALSE(RemoteStore::parse_etag("\"7"));
    CHECK_FALSE(RemoteStore::parse_etag("seven"));
    CHECK_FALSE(RemoteStore::parse_etag(""));
    CHECK_FALSE(RemoteStore::parse_etag("-1"));
}
