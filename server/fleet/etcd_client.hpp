// EtcdClient: etcd's v3 JSON gateway over HTTP with Beast, one request at a time, several
// endpoints.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "deploy/url.hpp"
#include "fleet/etcd_messages.hpp"

namespace xiaozhi::server {

// etcd refused fleet.user and fleet.password.
class EtcdAuthFailed : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// No endpoint answered; the message names each one and what happened.
class EtcdUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Blocking calls for one thread (the fleet's own): each request goes to the endpoint that
// answered last, then to the others in order, each within `timeout`. etcd's own refusals
// (an unknown lease, a bad request) throw std::runtime_error and are not retried elsewhere.
class EtcdClient {
  public:
    struct Options {
        std::vector<deploy::Url> endpoints;  // http:// members of fleet.etcd
        std::chrono::milliseconds timeout{2000};
        // fleet.user and fleet.password: with a user, requests carry the token of
        // /v3/auth/authenticate, renewed when etcd says it is no longer valid.
        std::string user;
        std::string password;
    };

    explicit EtcdClient(Options options);

    fleet::EtcdRange range(std::string_view key, bool prefix = false);
    std::int64_t put(std::string_view key, std::string_view value, std::int64_t lease = 0);
    // The put happens only while the key's mod_revision is `mod_revision` (0: absent).
    bool put_if_revision(std::string_view key, std::string_view value, std::int64_t mod_revision,
                         std::int64_t lease = 0);
    fleet::EtcdTxnResult txn(const std::vector<fleet::EtcdCompare>& compares,
                             const std::vector<fleet::EtcdOperation>& success);
    std::int64_t remove(std::string_view key, bool prefix = false);
    fleet::EtcdLease grant(std::int64_t ttl_seconds);
    // The lease's TTL renewed; ttl 0 when etcd no longer has it.
    fleet::EtcdLease keep_alive(std::int64_t lease);
    void revoke(std::int64_t lease);

    // POSTs `body` to the gateway path ("/v3/kv/range") and returns the answer's body.
    // Throws EtcdUnavailable, and EtcdAuthFailed when etcd refuses the user.
    std::string call(std::string_view path, const std::string& body);
    // The token requests carry ("" without fleet.user), authenticating first when needed.
    std::string auth_token();

    const Options& options() const { return options_; }
    // The member that answered last (the first before any answer).
    const deploy::Url& preferred_endpoint() const { return options_.endpoints[preferred_]; }

  private:
    // call() without authentication: the first member that answers.
    std::string call_members(std::string_view path, const std::string& body);
    void authenticate();
    // The answer of one endpoint, or "" with `failure` set when it could not be had.
    std::string post(const deploy::Url& endpoint, std::string_view path, const std::string& body,
                     std::string& failure);

    Options options_;
    std::size_t preferred_ = 0;
    std::string token_;
    boost::asio::io_context io_;
};

}  // namespace xiaozhi::server
