// The JSON bodies of etcd's v3 gateway (/v3/kv/range, put, txn, deleterange, lease): built and
// read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xiaozhi::fleet {

// One key as etcd returns it (key and value decoded from Base64).
struct EtcdKeyValue {
    std::string key;
    std::string value;
    std::int64_t create_revision = 0;
    std::int64_t mod_revision = 0;
    std::int64_t lease = 0;  // 0: none
};

// What a range read found, at the store's revision `revision`.
struct EtcdRange {
    std::int64_t revision = 0;
    std::vector<EtcdKeyValue> kvs;
};

// The end of the range of every key that starts with `prefix` (its last byte below 0xff
// raised by one), as etcdctl --prefix sends it.
std::string prefix_range_end(std::string_view prefix);

std::string range_request(std::string_view key, bool prefix);
std::string put_request(std::string_view key, std::string_view value, std::int64_t lease = 0);
std::string delete_request(std::string_view key, bool prefix);
// A put that happens only while the key's mod_revision is `mod_revision` (0: the key does not
// exist): etcd's compare-and-swap.
std::string put_if_revision_request(std::string_view key, std::string_view value,
                                    std::int64_t mod_revision, std::int64_t lease = 0);
// One condition of a txn: the key's mod_revision (target mod) or version (target version,
// 0: the key does not exist) equals `value`.
struct EtcdCompare {
    enum class Target { mod, version };
    std::string key;
    Target target = Target::mod;
    std::int64_t value = 0;
};

// One operation of a txn: a put of `value` (with `lease`), or a delete of `key`.
struct EtcdOperation {
    enum class Kind { put, remove };
    Kind kind = Kind::put;
    std::string key;
    std::string value;
    std::int64_t lease = 0;
};

// All of `success` happens, in one store revision, only while every compare holds.
std::string txn_request(const std::vector<EtcdCompare>& compares,
                        const std::vector<EtcdOperation>& success);

// A watch on `key` (or every key under it) from the store revision `start_revision`.
std::string watch_request(std::string_view key, bool prefix, std::int64_t start_revision);

std::string lease_grant_request(std::int64_t ttl_seconds);
// /v3/auth/authenticate with fleet.user and fleet.password.
std::string authenticate_request(std::string_view user, std::string_view password);
std::string lease_id_request(std::int64_t lease);  // keepalive and revoke

// The readers throw std::runtime_error naming what is wrong with `json` (an answer that is
// not JSON, or an etcd error: {"error": ..., "code": ...}).
EtcdRange parse_range(std::string_view json);
// The store's revision after a put or a delete.
std::int64_t parse_revision(std::string_view json);
// Whether the compare of a txn held.
bool parse_txn_succeeded(std::string_view json);
struct EtcdTxnResult {
    bool succeeded = false;
    std::int64_t revision = 0;  // the store's revision after it: the puts' mod_revision
};
EtcdTxnResult parse_txn(std::string_view json);

// One message of a watch stream (one line of the gateway's answer).
struct EtcdWatchMessage {
    bool created = false;
    // The watch ended: etcd cancelled it, with compact_revision set when the revision it
    // started from was compacted away.
    bool canceled = false;
    std::int64_t compact_revision = 0;
    std::int64_t revision = 0;  // the store's revision when it was sent
    // Changed keys; a deleted key comes with an empty value and mod_revision 0.
    std::vector<EtcdKeyValue> events;
};
EtcdWatchMessage parse_watch_message(std::string_view json);
struct EtcdLease {
    std::int64_t id = 0;
    std::int64_t ttl = 0;  // seconds left; 0 or less: the lease is gone
};
EtcdLease parse_lease(std::string_view json);
// The token of an /v3/auth/authenticate answer (sent as Authorization on later requests).
std::string parse_auth_token(std::string_view json);
// Whether an answer says the request's token is no longer valid (code 16: etcd forgot it,
// or it expired after --auth-token-ttl): authenticate again.
bool is_invalid_token(std::string_view json);
// Whether an answer says etcd's authentication is enabled and the request named no user.
bool is_user_required(std::string_view json);

}  // namespace xiaozhi::fleet
