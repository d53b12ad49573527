// FleetRemoteStore: records and trees in etcd, commits and confirms as txns, staged files locally.
#include "fleet/fleet_remote_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::server {

namespace {

using Json = nlohmann::ordered_json;
using fleet::EtcdCompare;
using fleet::EtcdOperation;

std::string padded(std::uint64_t revision) {
    return fmt::format("{:020}", revision);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

config::Node empty_tree(const std::string& source) {
    return config::Node::map_at(config::Position{source, 0, 0});
}

// Runs an etcd call; etcd away becomes RemoteUnavailable.
template <typename Call>
auto guarded(Call&& call) {
    try {
        return call();
    } catch (const EtcdUnavailable& error) {
        throw RemoteUnavailable(error.what());
    }
}

}  // namespace

FleetRemoteStore::Keys FleetRemoteStore::keys_of(const std::string& fleet_name) {
    const std::string root = "/xiaozhi/" + fleet_name + "/";
    return Keys{root + "remote", root + "history/", root + "confirmed/"};
}

FleetRemoteStore::FleetRemoteStore(EtcdClient::Options etcd, std::string fleet_name,
                                   std::string state_dir)
    : etcd_(std::move(etcd)),
      name_(std::move(fleet_name)),
      keys_(keys_of(name_)),
      directory_((std::filesystem::path(state_dir) / "fleet").string()) {}

std::uint64_t FleetRemoteStore::current_revision() const {
    return read_current().revision;
}

FleetRemoteStore::Layered FleetRemoteStore::read_current() const {
    const fleet::EtcdRange range = guarded([&] { return etcd_.range(keys_.remote); });
    if (range.kvs.empty()) return {};
    return Layered{static_cast<std::uint64_t>(range.kvs[0].mod_revision), range.kvs[0].value};
}

std::vector<FleetRemoteStore::Record> FleetRemoteStore::records() const {
    const fleet::EtcdRange kept = guarded([&] { return etcd_.range(keys_.history, true); });
    const fleet::EtcdRange confirmed = guarded([&] { return etcd_.range(keys_.confirmed, true); });
    std::vector<Record> records;
    for (const fleet::EtcdKeyValue& kv : kept.kvs) {
        try {
            Json json = Json::parse(kv.value);
            Record record;
            json["revision"] = kv.create_revision;
            record.revision = revision_from_record(json);
            record.tree_json = json.at("tree").dump();
            const std::string mark = keys_.confirmed + padded(record.revision.number);
            if (std::any_of(confirmed.kvs.begin(), confirmed.kvs.end(),
                            [&](const fleet::EtcdKeyValue& c) { return c.key == mark; })) {
                record.revision.confirm_deadline_ms.reset();
            }
            records.push_back(std::move(record));
        } catch (const std::exception& error) {
            throw config::InputError(config::Position{"etcd " + kv.key, 0, 0},
                                     std::string("corrupt revision record: ") + error.what());
        }
    }
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
        return a.revision.number < b.revision.number;
    });
    return records;
}

std::vector<RemoteRevision> FleetRemoteStore::history() const {
    std::vector<RemoteRevision> revisions;
    const std::vector<Record> kept = records();
    for (auto it = kept.rbegin(); it != kept.rend(); ++it) revisions.push_back(it->revision);
    return revisions;
}

std::optional<RemoteRevision> FleetRemoteStore::find(std::uint64_t revision) const {
    for (Record& record : records()) {
        if (record.revision.number == revision) return std::move(record.revision);
    }
    return std::nullopt;
}

config::Node FleetRemoteStore::layer_tree(std::uint64_t revision) const {
    const std::string source = "etcd " + keys_.remote + " revision " + std::to_string(revision);
    if (revision == 0) return empty_tree(source);
    for (const Record& record : records()) {
        if (record.revision.number == revision) {
            return config::parse_text(record.tree_json, config::Syntax::json, source);
        }
    }
    throw config::InputError(config::Position{source, 0, 0},
                             "revision " + std::to_string(revision) + " is not kept");
}

StagedRevision FleetRemoteStore::stage(const config::Node& tree) const {
    static std::atomic<unsigned> counter{0};
    StagedRevision staged;
    staged.base = current_revision();
    std::filesystem::create_directories(directory_);
    staged.path = (std::filesystem::path(directory_) /
                   fmt::format("staged-{}-{}.json", ::getpid(), counter.fetch_add(1)))
                      .string();
    write_file_atomically(staged.path, report::node_json(tree).dump(2) + "\n");
    return staged;
}

config::Layer FleetRemoteStore::staged_layer(const StagedRevision& staged,
                                             bool from_management_api) const {
    return config::remote_layer_of(
        config::parse_text(read_file(staged.path), config::Syntax::json, "etcd " + keys_.remote),
        "etcd " + keys_.remote, from_management_api);
}

config::Layer FleetRemoteStore::layer_of(const Layered& layered, bool from_management_api) const {
    const std::string source =
        "etcd " + keys_.remote + " revision " + std::to_string(layered.revision);
    config::Node tree = layered.tree_json.empty()
                            ? empty_tree(source)
                            : config::parse_text(layered.tree_json, config::Syntax::json, source);
    if (tree.kind != config::Kind::map) {
        throw config::InputError(config::Position{source, 0, 0},
                                 "the remote layer is not a JSON object");
    }
    return config::remote_layer_of(std::move(tree), source, from_management_api);
}

std::string FleetRemoteStore::commit(const StagedRevision& staged, RemoteRevision meta) const {
    const std::string tree_text = read_file(staged.path);
    const config::Node tree = config::parse_text(tree_text, config::Syntax::json, staged.path);
    const std::vector<Record> kept = records();
    meta.previous = staged.base;
    meta.changed_keys = changed_keys(layer_tree(staged.base), tree);
    Json record = revision_record(meta);
    record.erase("revision");  // the record's create_revision
    record["tree"] = Json::parse(tree_text);
    std::vector<EtcdCompare> compares{
        {keys_.remote, EtcdCompare::Target::mod, static_cast<std::int64_t>(staged.base)}};
    if (meta.kind == "revert") {
        compares.push_back(
            {keys_.confirmed + padded(staged.base), EtcdCompare::Target::version, 0});
    }
    const std::string layer_text = Json::parse(tree_text).dump();
    const fleet::EtcdTxnResult result = guarded([&] {
        return etcd_.txn(compares, {{EtcdOperation::Kind::put, keys_.remote, layer_text, 0},
                                    {EtcdOperation::Kind::put, keys_.history + padded(staged.base),
                                     record.dump(), 0}});
    });
    if (!result.succeeded) {
        throw RemoteConflict(meta.kind == "revert"
                                 ? "revision " + std::to_string(staged.base) +
                                       " was confirmed or replaced by another instance first"
                                 : "revision " + std::to_string(staged.base) +
                                       " is no longer current; another change was committed");
    }
    const auto revision = static_cast<std::uint64_t>(result.revision);
    discard(staged);  // etcd holds it now
    try {
        remember_applied(Layered{revision, layer_text});
    } catch (const std::exception&) {
        // Only a start while etcd is away needs it; the next applied revision writes it.
    }
    trim(kept);
    return std::to_string(revision);
}

void FleetRemoteStore::trim(const std::vector<Record>& before) const noexcept {
    // `before` plus the revision just committed: keep the newest kept_revisions.
    if (before.size() + 1 <= kept_revisions) return;
    const std::size_t excess = before.size() + 1 - kept_revisions;
    for (std::size_t i = 0; i < excess; ++i) {
        try {
            etcd_.remove(keys_.history + padded(before[i].revision.previous));
            etcd_.remove(keys_.confirmed + padded(before[i].revision.number));
        } catch (const std::exception&) {
            return;  // the next commit trims what is left
        }
    }
}

void FleetRemoteStore::discard(const StagedRevision& staged) const noexcept {
    std::error_code ignored;
    std::filesystem::remove(staged.path, ignored);
}

ConfirmOutcome FleetRemoteStore::confirm(std::uint64_t revision) const {
    if (current_revision() != revision) return ConfirmOutcome::not_current;
    const std::optional<RemoteRevision> kept = find(revision);
    if (!kept || !kept->confirm_deadline_ms) return ConfirmOutcome::not_pending;
    const fleet::EtcdTxnResult result = guarded([&] {
        return etcd_.txn(
            {{keys_.remote, EtcdCompare::Target::mod, static_cast<std::int64_t>(revision)}},
            {{EtcdOperation::Kind::put, keys_.confirmed + padded(revision), "confirmed", 0}});
    });
    return result.succeeded ? ConfirmOutcome::confirmed : ConfirmOutcome::not_current;
}

std::string FleetRemoteStore::cache_path() const {
    return (std::filesystem::path(directory_) / (name_ + "-remote.json")).string();
}

std::optional<FleetRemoteStore::Layered> FleetRemoteStore::last_applied() const {
    std::error_code error;
    if (!std::filesystem::exists(cache_path(), error)) return std::nullopt;
    try {
        const Json json = Json::parse(read_file(cache_path()));
        return Layered{json.at("revision").get<std::uint64_t>(), json.at("layer").dump()};
    } catch (const std::exception& failure) {
        throw config::InputError(config::Position{cache_path(), 0, 0},
                                 std::string("corrupt saved remote layer: ") + failure.what());
    }
}

void FleetRemoteStore::remember_applied(const Layered& layered) const {
    Json json = Json::object();
    json["revision"] = layered.revision;
    json["layer"] = layered.tree_json.empty() ? Json::object() : Json::parse(layered.tree_json);
    std::filesystem::create_directories(directory_);
    write_file_atomically(cache_path(), json.dump(2) + "\n");
}

}  // namespace xiaozhi::server
