// Where the remote layer's revisions live: files in the state folder, or etcd in a fleet.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/layer.hpp"
#include "config/node.hpp"

namespace xiaozhi::server {

// One kept revision, as the history lists it.
struct RemoteRevision {
    std::uint64_t number = 0;
    std::int64_t time_ms = 0;  // when it was committed, ms since the epoch
    std::string author;
    std::string message;
    std::vector<std::string> changed_keys;  // dotted keys that differ from `previous`
    std::uint64_t previous = 0;             // the revision it replaced; 0 = no remote layer
    std::string kind = "put";               // "put", "rollback", or "revert" (not confirmed)
    std::uint64_t restores = 0;  // rollback/revert: the revision whose layer it brings back
    // Armed by confirm-within: unless confirmed before this time (ms since the epoch),
    // the application reverts to `previous`. Cleared by confirm.
    std::optional<std::int64_t> confirm_deadline_ms;
};

// A candidate's layer, written before the analysis runs and not yet current.
struct StagedRevision {
    std::uint64_t number = 0;  // its revision when the store numbers it in advance, else 0
    std::uint64_t base = 0;    // the current revision when it was staged
    std::string path;          // the candidate's tree as a JSON file
};

enum class ConfirmOutcome { confirmed, not_pending, not_current };

// Another change was committed since the candidate was staged (the admin API answers 412).
class RemoteConflict : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The store cannot be reached (etcd away): nothing was changed (the admin API answers 503).
class RemoteUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The operations the admin API needs. Reads throw config::InputError for a corrupt store
// and RemoteUnavailable when it cannot be reached.
class RemoteRevisions {
  public:
    static constexpr std::size_t kept_revisions = 20;

    virtual ~RemoteRevisions() = default;

    virtual std::uint64_t current_revision() const = 0;
    // Kept revisions, newest first.
    virtual std::vector<RemoteRevision> history() const = 0;
    virtual std::optional<RemoteRevision> find(std::uint64_t revision) const = 0;
    // A kept revision's tree (revision 0: an empty map).
    virtual config::Node layer_tree(std::uint64_t revision) const = 0;

    // Writes `tree` as a candidate without making it current.
    virtual StagedRevision stage(const config::Node& tree) const = 0;
    // The layer the analysis checks for a staged candidate.
    virtual config::Layer staged_layer(const StagedRevision& staged,
                                       bool from_management_api) const = 0;
    // Makes a staged candidate current with `meta` (its number, previous revision and
    // changed keys are filled in here) and returns the new ETag. Throws RemoteConflict
    // when another change came first (a revert also when its revision was confirmed),
    // RemoteUnavailable, or std::runtime_error when it cannot be written.
    virtual std::string commit(const StagedRevision& staged, RemoteRevision meta) const = 0;
    // Removes a staged candidate that was refused. Never throws.
    virtual void discard(const StagedRevision& staged) const noexcept = 0;
    // Clears the confirm deadline of `revision` when it is current and armed.
    virtual ConfirmOutcome confirm(std::uint64_t revision) const = 0;

    // Dotted keys whose values differ between two revisions' trees.
    std::vector<std::string> keys_changed_between(std::uint64_t from, std::uint64_t to) const;
};

// A revision as the stores keep it: {"revision", "time_ms", "author", ...}. The reader
// throws nlohmann::json's exceptions for a record of another shape.
nlohmann::ordered_json revision_record(const RemoteRevision& revision);
RemoteRevision revision_from_record(const nlohmann::ordered_json& json);

// The dotted keys whose values differ between two layer trees (added, removed or changed).
std::vector<std::string> changed_keys(const config::Node& before, const config::Node& after);

}  // namespace xiaozhi::server
