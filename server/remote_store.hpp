// The kept revisions of the remote layer in <state_dir>/remote/: files, index, current revision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "remote_revisions.hpp"

namespace xiaozhi::server {

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
class RemoteStore final : public RemoteRevisions {
  public:
    explicit RemoteStore(const std::string& state_dir);

    // The process-wide lock of every read-check-write sequence on any store.
    [[nodiscard]] static std::unique_lock<std::mutex> exclusive();

    static std::string etag_of(std::uint64_t revision);
    // The revision an If-Match value names: "7", "\"7\"" or W/"7"; nullopt otherwise.
    static std::optional<std::uint64_t> parse_etag(std::string_view value);

    const std::string& directory() const { return directory_; }
    std::string layer_path(std::uint64_t revision) const;

    // These read the index and throw config::InputError naming a corrupt file.
    std::uint64_t current_revision() const override;
    // The current revision's layer file, for config::LoadOptions::remote_file at start-up;
    // nullopt when no revision was ever committed.
    std::optional<std::string> current_layer_path() const;
    // Kept revisions, newest first.
    std::vector<RemoteRevision> history() const override;
    std::optional<RemoteRevision> find(std::uint64_t revision) const override;
    config::Node layer_tree(std::uint64_t revision) const override;

    // Writes `tree` as the next revision's file without making it current.
    StagedRevision stage(const config::Node& tree) const override;
    config::Layer staged_layer(const StagedRevision& staged,
                               bool from_management_api) const override;
    // Also drops revisions beyond kept_revisions.
    std::string commit(const StagedRevision& staged, RemoteRevision meta) const override;
    void discard(const StagedRevision& staged) const noexcept override;
    ConfirmOutcome confirm(std::uint64_t revision) const override;

  private:
    std::string directory_;
};

}  // namespace xiaozhi::server
