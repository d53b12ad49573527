// The kept revisions of the remote layer in <state_dir>/remote/: files, index, current revision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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

// A candidate's layer file, written before the analysis runs and not yet current.
struct StagedRevision {
    std::uint64_t number = 0;
    std::string path;
};

enum class ConfirmOutcome { confirmed, not_pending, not_current };

// Layout: <state_dir>/remote/000007.json holds revision 7's tree as JSON;
// <state_dir>/remote/index.json holds the current and next numbers and every kept
// revision's RemoteRevision. Every write is atomic (temporary file, fsync, rename,
// folder fsync) and the index is written last, so a crash leaves at worst an unused
// staged file that the next stage overwrites. Revision numbers only grow; the ETag
// of a revision is its number as decimal text ("0": no remote layer yet).
//
// The object holds no state: every call reads the files, so stores built for the same
// folder agree. Sequences that read, check and write (If-Match, stage, commit) hold
// exclusive() for their whole length; the methods themselves take no lock.
class RemoteStore {
  public:
    static constexpr std::size_t kept_revisions = 20;

    explicit RemoteStore(const std::string& state_dir);

    // The process-wide lock of every read-check-write sequence on any store.
    [[nodiscard]] static std::unique_lock<std::mutex> exclusive();

    static std::string etag_of(std::uint64_t revision);
    // The revision an If-Match value names: "7", "\"7\"" or W/"7"; nullopt otherwise.
    static std::optional<std::uint64_t> parse_etag(std::string_view value);

    const std::string& directory() const { return directory_; }
    std::string layer_path(std::uint64_t revision) const;

    // These read the index and throw config::InputError naming a corrupt file.
    std::uint64_t current_revision() const;
    // The current revision's layer file, for config::LoadOptions::remote_file at start-up;
    // nullopt when no revision was ever committed.
    std::optional<std::string> current_layer_path() const;
    // Kept revisions, newest first.
    std::vector<RemoteRevision> history() const;
    std::optional<RemoteRevision> find(std::uint64_t revision) const;
    // A kept revision's tree (revision 0: an empty map). Throws config::InputError.
    config::Node layer_tree(std::uint64_t revision) const;
    // Dotted keys whose values differ between two revisions' trees.
    std::vector<std::string> keys_changed_between(std::uint64_t from, std::uint64_t to) const;

    // Writes `tree` as the next revision's file without making it current.
    StagedRevision stage(const config::Node& tree) const;
    // Makes a staged revision current with `meta` (its number, previous revision and
    // changed keys are filled in here), drops revisions beyond kept_revisions, and
    // returns the new ETag. Throws std::runtime_error when the index cannot be written.
    std::string commit(const StagedRevision& staged, RemoteRevision meta) const;
    // Removes a staged revision that was refused. Never throws.
    void discard(const StagedRevision& staged) const noexcept;
    // Clears the confirm deadline of `revision` when it is current and armed.
    ConfirmOutcome confirm(std::uint64_t revision) const;

  private:
    std::string directory_;
};

// The dotted keys whose values differ between two layer trees (added, removed or changed).
std::vector<std::string> changed_keys(const config::Node& before, const config::Node& after);

}  // namespace xiaozhi::server
