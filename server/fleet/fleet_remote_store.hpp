// FleetRemoteStore: the remote layer's revisions in etcd, shared by every instance of a fleet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleet/etcd_client.hpp"
#include "remote_revisions.hpp"

namespace xiaozhi::server {

// The keys under /xiaozhi/<name>/:
//   remote                the layer in force as JSON; its mod_revision is the revision (ETag)
//   history/<previous>    each revision's record and tree, keyed by the revision it replaced
//                         (20 digits); the record's create_revision is its own revision
//   confirmed/<revision>  present once a confirm-within revision was confirmed
// A commit is one txn that holds only while `remote` still has the revision it was staged
// on (If-Match as a compare-and-swap); a revert also needs `confirmed/<revision>` absent,
// and a confirm needs `remote` unchanged, so of a revert and a confirm exactly one wins,
// whichever instance tries. Revisions beyond the last 20 are deleted after each commit.
class FleetRemoteStore final : public RemoteRevisions {
  public:
    struct Keys {
        std::string remote;
        std::string history;    // prefix
        std::string confirmed;  // prefix
    };
    static Keys keys_of(const std::string& fleet_name);

    // `state_dir` holds the staged candidates and the last applied layer
    // (<state_dir>/fleet/<name>-remote.json), for a start while etcd is away.
    FleetRemoteStore(EtcdClient::Options etcd, std::string fleet_name, std::string state_dir);

    std::uint64_t current_revision() const override;
    std::vector<RemoteRevision> history() const override;
    std::optional<RemoteRevision> find(std::uint64_t revision) const override;
    config::Node layer_tree(std::uint64_t revision) const override;
    StagedRevision stage(const config::Node& tree) const override;
    config::Layer staged_layer(const StagedRevision& staged,
                               bool from_management_api) const override;
    std::string commit(const StagedRevision& staged, RemoteRevision meta) const override;
    void discard(const StagedRevision& staged) const noexcept override;
    ConfirmOutcome confirm(std::uint64_t revision) const override;

    // The layer as etcd holds it, as the watch delivers it: the value of `remote` at
    // `revision` (0: no remote layer; an empty value is an empty layer).
    struct Layered {
        std::uint64_t revision = 0;
        std::string tree_json;
    };
    // The layer of `layered`, its positions naming the etcd key and revision. Throws
    // config::InputError when the value is not a JSON object.
    config::Layer layer_of(const Layered& layered, bool from_management_api) const;
    // etcd's current layer; throws RemoteUnavailable.
    Layered read_current() const;
    // The last layer this instance applied, saved by remember_applied; nullopt when none.
    std::optional<Layered> last_applied() const;
    // Saves `layered` as the last applied layer (atomically). Throws std::runtime_error.
    void remember_applied(const Layered& layered) const;

  private:
    struct Record {
        RemoteRevision revision;
        std::string tree_json;
    };
    // Every kept record, oldest first; confirmed revisions have no deadline.
    std::vector<Record> records() const;
    void trim(const std::vector<Record>& records) const noexcept;
    std::string cache_path() const;

    mutable EtcdClient etcd_;
    std::string name_;
    Keys keys_;
    std::string directory_;  // <state_dir>/fleet
};

}  // namespace xiaozhi::server
