// RemoteStore: revision files and the index as JSON, written atomically, trimmed to the last 20.
#include "remote_store.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::server {

namespace {

using Json = nlohmann::ordered_json;

struct Index {
    std::uint64_t current = 0;
    std::uint64_t next = 1;
    std::vector<RemoteRevision> revisions;  // oldest first
};

std::string index_path(const std::string& directory) {
    return (std::filesystem::path(directory) / "index.json").string();
}

Index read_index(const std::string& directory) {
    const std::string path = index_path(directory);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) return {};
        throw config::InputError(config::Position{path, 0, 0}, "cannot read the revision index");
    }
    std::stringstream content;
    content << in.rdbuf();
    try {
        const Json json = Json::parse(content.str());
        Index index;
        index.current = json.at("current").get<std::uint64_t>();
        index.next = json.at("next").get<std::uint64_t>();
        for (const Json& item : json.at("revisions"))
            index.revisions.push_back(revision_from_record(item));
        if (index.next <= index.current) throw std::invalid_argument("next <= current");
        return index;
    } catch (const std::exception& error) {
        throw config::InputError(config::Position{path, 0, 0},
                                 std::string("corrupt revision index: ") + error.what());
    }
}

void write_index(const std::string& directory, const Index& index) {
    Json json = Json::object();
    json["current"] = index.current;
    json["next"] = index.next;
    Json revisions = Json::array();
    for (const RemoteRevision& revision : index.revisions) {
        revisions.push_back(revision_record(revision));
    }
    json["revisions"] = std::move(revisions);
    write_file_atomically(index_path(directory), json.dump(2) + "\n");
}

}  // namespace

RemoteStore::RemoteStore(const std::string& state_dir)
    : directory_((std::filesystem::path(state_dir) / "remote").string()) {}

std::unique_lock<std::mutex> RemoteStore::exclusive() {
    static std::mutex mutex;
    return std::unique_lock(mutex);
}

std::string RemoteStore::etag_of(std::uint64_t revision) {
    return std::to_string(revision);
}

std::optional<std::uint64_t> RemoteStore::parse_etag(std::string_view value) {
    if (value.starts_with("W/")) value.remove_prefix(2);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
    }
    std::uint64_t revision = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), revision);
    if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
        return std::nullopt;
    }
    return revision;
}

std::string RemoteStore::layer_path(std::uint64_t revision) const {
    return (std::filesystem::path(directory_) / fmt::format("{:06}.json", revision)).string();
}

std::uint64_t RemoteStore::current_revision() const {
    return read_index(directory_).current;
}

std::optional<std::string> RemoteStore::current_layer_path() const {
    const std::uint64_t current = current_revision();
    if (current == 0) return std::nullopt;
    return layer_path(current);
}

std::vector<RemoteRevision> RemoteStore::history() const {
    Index index = read_index(directory_);
    return {index.revisions.rbegin(), index.revisions.rend()};
}

std::optional<RemoteRevision> RemoteStore::find(std::uint64_t revision) const {
    for (RemoteRevision& kept : read_index(directory_).revisions) {
        if (kept.number == revision) return std::move(kept);
    }
    return std::nullopt;
}

config::Node RemoteStore::layer_tree(std::uint64_t revision) const {
    if (revision == 0) return config::Node::map_at(config::Position{"no remote layer", 0, 0});
    return config::parse_file(layer_path(revision));
}

StagedRevision RemoteStore::stage(const config::Node& tree) const {
    const Index index = read_index(directory_);
    std::filesystem::create_directories(directory_);
    StagedRevision staged{index.next, index.current, layer_path(index.next)};
    write_file_atomically(staged.path, report::node_json(tree).dump(2) + "\n");
    return staged;
}

config::Layer RemoteStore::staged_layer(const StagedRevision& staged,
                                        bool from_management_api) const {
    return config::remote_layer(staged.path, from_management_api);
}

std::string RemoteStore::commit(const StagedRevision& staged, RemoteRevision meta) const {
    Index index = read_index(directory_);
    if (staged.number != index.next) {
        throw RemoteConflict("revision " + etag_of(staged.number) +
                             " is no longer the next one; another change was committed");
    }
    meta.number = staged.number;
    meta.previous = index.current;
    meta.changed_keys = keys_changed_between(index.current, staged.number);
    index.revisions.push_back(std::move(meta));
    index.current = staged.number;
    index.next = staged.number + 1;
    std::vector<std::uint64_t> dropped;
    while (index.revisions.size() > kept_revisions) {
        dropped.push_back(index.revisions.front().number);
        index.revisions.erase(index.revisions.begin());
    }
    write_index(directory_, index);
    for (const std::uint64_t revision : dropped) {
        std::error_code ignored;
        std::filesystem::remove(layer_path(revision), ignored);
    }
    return etag_of(index.current);
}

void RemoteStore::discard(const StagedRevision& staged) const noexcept {
    std::error_code ignored;
    std::filesystem::remove(staged.path, ignored);
}

ConfirmOutcome RemoteStore::confirm(std::uint64_t revision) const {
    Index index = read_index(directory_);
    if (revision != index.current) return ConfirmOutcome::not_current;
    for (RemoteRevision& kept : index.revisions) {
        if (kept.number != revision) continue;
        if (!kept.confirm_deadline_ms) return ConfirmOutcome::not_pending;
        kept.confirm_deadline_ms.reset();
        write_index(directory_, index);
        return ConfirmOutcome::confirmed;
    }
    return ConfirmOutcome::not_pending;
}

}  // namespace xiaozhi::server
