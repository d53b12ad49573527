// etcd gateway bodies and answers: Base64 keys, string numbers, prefixes, errors.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "fleet/etcd_messages.hpp"
#include "protocol/crypto.hpp"

using namespace xiaozhi::fleet;
using nlohmann::json;

TEST_CASE("prefix_range_end raises the last byte, as etcdctl --prefix does") {
    CHECK(prefix_range_end("/xiaozhi/a/") == "/xiaozhi/a0");
    CHECK(prefix_range_end(std::string("a\xff", 2)) == "b");
    CHECK(prefix_range_end("") == std::string(1, '\0'));
}

TEST_CASE("requests carry keys and values in Base64 and numbers as strings") {
    const json range = json::parse(range_request("/xiaozhi/fleet/instances/", true));
    CHECK(range["key"] == "L3hpYW96aGkvZmxlZXQvaW5zdGFuY2VzLw==");
    CHECK(range["range_end"] == xiaozhi::protocol::base64_encode("/xiaozhi/fleet/instances0"));
    CHECK_FALSE(json::parse(range_request("/k", false)).contains("range_end"));
    const json put = json::parse(put_request("/k", "v", 7587869012345678901));
    CHECK(put["value"] == "dg==");
    CHECK(put["lease"] == "7587869012345678901");
    CHECK_FALSE(json::parse(put_request("/k", "v")).contains("lease"));
    const json txn = json::parse(put_if_revision_request("/k", "v", 42));
    CHECK(txn["compare"][0]["target"] == "MOD");
    CHECK(txn["compare"][0]["mod_revision"] == "42");
    CHECK(txn["success"][0]["requestPut"]["key"] == "L2s=");
    CHECK(json::parse(lease_grant_request(10))["TTL"] == "10");
    CHECK(json::parse(lease_id_request(5))["ID"] == "5");
}

TEST_CASE("parse_range reads etcd 3.4's answer") {
    // As etcd 3.4.23 answered /v3/kv/range for /xiaozhi/a = hello.
    const std::string answer =
        R"({"header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952",)"
        R"("revision":"3","raft_term":"2"},"kvs":[{"key":"L3hpYW96aGkvYQ==","create_revision":"2",)"
        R"("mod_revision":"3","version":"2","value":"aGVsbG8=","lease":"2324035814021175559"}],)"
        R"("count":"1"})";
    const EtcdRange range = parse_range(answer);
    CHECK(range.revision == 3);
    REQUIRE(range.kvs.size() == 1);
    CHECK(range.kvs[0].key == "/xiaozhi/a");
    CHECK(range.kvs[0].value == "hello");
    CHECK(range.kvs[0].create_revision == 2);
    CHECK(range.kvs[0].mod_revision == 3);
    CHECK(range.kvs[0].lease == 2324035814021175559);
    CHECK(parse_range(R"({"header":{"revision":"9"}})").kvs.empty());
}

TEST_CASE("leases, txn outcomes and errors") {
    CHECK(parse_lease(R"({"header":{},"ID":"77","TTL":"10"})").ttl == 10);
    CHECK(parse_lease(R"({"result":{"header":{},"ID":"77","TTL":"9"}})").id == 77);
    CHECK(parse_lease(R"({"result":{"header":{},"ID":"77"}})").ttl == 0);
    CHECK(parse_txn_succeeded(R"({"header":{"revision":"4"},"succeeded":true})"));
    CHECK_FALSE(parse_txn_succeeded(R"({"header":{"revision":"4"}})"));
    CHECK(parse_revision(R"({"header":{"revision":"12"}})") == 12);
    CHECK_THROWS_WITH(parse_range(R"({"error":"etcdserver: requested lease not found","code":5})"),
                      "etcd refused: etcdserver: requested lease not found");
    CHECK_THROWS_WITH(parse_range("<html>"), "etcd answered something that is not a JSON object");
    CHECK_THROWS_WITH(parse_range(R"({"kvs":[{"key":"%%%"}]})"),
                      "etcd answered a key or value that is not Base64");
}

TEST_CASE("txn_request puts and deletes under mod and version compares") {
    const json txn = json::parse(txn_request(
        {{"/r", EtcdCompare::Target::mod, 7}, {"/c", EtcdCompare::Target::version, 0}},
        {{EtcdOperation::Kind::put, "/r", "v", 0}, {EtcdOperation::Kind::remove, "/old", "", 0}}));
    CHECK(txn["compare"][0]["target"] == "MOD");
    CHECK(txn["compare"][0]["mod_revision"] == "7");
    CHECK(txn["compare"][1]["target"] == "VERSION");
    CHECK(txn["compare"][1]["version"] == "0");
    CHECK(txn["compare"][1]["key"] == "L2M=");
    CHECK(txn["success"][0]["requestPut"]["value"] == "dg==");
    CHECK(txn["success"][1]["requestDeleteRange"]["key"] == "L29sZA==");
    CHECK_FALSE(txn["success"][1]["requestDeleteRange"].contains("range_end"));
}

TEST_CASE("parse_txn reads whether it held and the revision it made") {
    const EtcdTxnResult held = parse_txn(
        R"({"header":{"cluster_id":"1","member_id":"2","revision":"12","raft_term":"2"},)"
        R"("succeeded":true,"responses":[{"response_put":{"header":{"revision":"12"}}}]})");
    CHECK(held.succeeded);
    CHECK(held.revision == 12);
    const EtcdTxnResult failed =
        parse_txn(R"({"header":{"cluster_id":"1","member_id":"2","revision":"12"}})");
    CHECK_FALSE(failed.succeeded);
    CHECK(failed.revision == 12);
}

TEST_CASE("watch_request starts at a revision, parse_watch_message reads etcd 3.4's lines") {
    const json request = json::parse(watch_request("/x/", true, 5));
    CHECK(request["create_request"]["key"] == "L3gv");
    CHECK(request["create_request"]["range_end"] == "L3gw");
    CHECK(request["create_request"]["start_revision"] == "5");
    // As etcd 3.4.23's gateway streamed a watch on /x/r: created, then a put.
    const EtcdWatchMessage created = parse_watch_message(
        R"({"result":{"header":{"cluster_id":"14841639068965178418","member_id":"1",)"
        R"("revision":"1","raft_term":"2"},"created":true}})");
    CHECK(created.created);
    CHECK(created.events.empty());
    const EtcdWatchMessage put = parse_watch_message(
        R"({"result":{"header":{"revision":"3","raft_term":"2"},"events":[{"kv":{"key":"L3gvcg==",)"
        R"("create_revision":"2","mod_revision":"3","version":"2","value":"aG8="}}]}})");
    CHECK_FALSE(put.created);
    CHECK(put.revision == 3);
    REQUIRE(put.events.size() == 1);
    CHECK(put.events[0].key == "/x/r");
    CHECK(put.events[0].value == "ho");
    CHECK(put.events[0].mod_revision == 3);
    const EtcdWatchMessage deleted = parse_watch_message(
        R"({"result":{"header":{"revision":"4"},"events":[{"type":"DELETE","kv":{"key":"L3gvcg==",)"
        R"("mod_revision":"4"}}]}})");
    REQUIRE(deleted.events.size() == 1);
    CHECK(deleted.events[0].mod_revision == 0);
    const EtcdWatchMessage compacted = parse_watch_message(
        R"({"result":{"header":{"revision":"9"},"canceled":true,"compact_revision":"6"}})");
    CHECK(compacted.canceled);
    CHECK(compacted.compact_revision == 6);
    CHECK_THROWS_WITH(parse_watch_message(R"({"header":{}})"), Catch::Contains("without a result"));
    CHECK_THROWS_WITH(parse_watch_message("not json"), Catch::Contains("not a JSON object"));
}

TEST_CASE("authentication: the request, the token, and etcd 3.4's refusals") {
    CHECK(json::parse(authenticate_request("xz", "pw")) ==
          json{{"name", "xz"}, {"password", "pw"}});
    // As etcd 3.4.23 answered.
    CHECK(parse_auth_token(R"({"header":{"revision":"1"},"token":"PJqpkQBJaaJyLMOm.14"})") ==
          "PJqpkQBJaaJyLMOm.14");
    CHECK_THROWS_WITH(
        parse_auth_token(R"({"error":"etcdserver: authentication failed, invalid user ID or )"
                         R"(password","code":3})"),
        Catch::Contains("invalid user ID or password"));
    CHECK(is_invalid_token(R"({"error":"etcdserver: invalid auth token","code":16})"));
    CHECK_FALSE(is_invalid_token(R"({"error":"etcdserver: permission denied","code":7})"));
    CHECK(is_user_required(R"({"error":"etcdserver: user name is empty","code":3})"));
    CHECK_FALSE(is_user_required(R"({"kvs":[]})"));
    CHECK_FALSE(is_user_required("not json"));
}

TEST_CASE("the readers name an answer of another shape instead of failing otherwise") {
    CHECK_THROWS_AS(parse_range(R"({"kvs":["not an object"]})"), std::runtime_error);
    CHECK_THROWS_WITH(parse_range(R"({"header":{"revision":"many"}})"),
                      Catch::Contains("a number that does not fit"));
    CHECK_THROWS_WITH(parse_watch_message(R"({"result":{"events":[{"kv":{"key":5}}]}})"),
                      Catch::Contains("JSON of another shape"));
    CHECK_THROWS_AS(parse_lease(R"({"ID":"99999999999999999999999"})"), std::runtime_error);
}
