// RemoteRevision as JSON records, and the keys two layer trees disagree on.
#include "remote_revisions.hpp"

#include "config/diff.hpp"
#include "config/effective.hpp"

namespace xiaozhi::server {

namespace {

using Json = nlohmann::ordered_json;

config::Effective effective_of(const config::Node& tree) {
    return config::Effective::merge({config::Layer{config::LayerKind::remote, "", tree, {}}});
}

}  // namespace

Json revision_record(const RemoteRevision& revision) {
    Json json = Json::object();
    json["revision"] = revision.number;
    json["time_ms"] = revision.time_ms;
    json["author"] = revision.author;
    json["message"] = revision.message;
    json["changed_keys"] = revision.changed_keys;
    json["previous"] = revision.previous;
    json["kind"] = revision.kind;
    json["restores"] = revision.restores;
    if (revision.confirm_deadline_ms) {
        json["confirm_deadline_ms"] = *revision.confirm_deadline_ms;
    } else {
        json["confirm_deadline_ms"] = nullptr;
    }
    return json;
}

RemoteRevision revision_from_record(const Json& json) {
    RemoteRevision revision;
    revision.number = json.at("revision").get<std::uint64_t>();
    revision.time_ms = json.at("time_ms").get<std::int64_t>();
    revision.author = json.at("author").get<std::string>();
    revision.message = json.at("message").get<std::string>();
    revision.changed_keys = json.at("changed_keys").get<std::vector<std::string>>();
    revision.previous = json.at("previous").get<std::uint64_t>();
    revision.kind = json.at("kind").get<std::string>();
    revision.restores = json.at("restores").get<std::uint64_t>();
    const Json& deadline = json.at("confirm_deadline_ms");
    if (!deadline.is_null()) revision.confirm_deadline_ms = deadline.get<std::int64_t>();
    return revision;
}

std::vector<std::string> RemoteRevisions::keys_changed_between(std::uint64_t from,
                                                               std::uint64_t to) const {
    return changed_keys(layer_tree(from), layer_tree(to));
}

std::vector<std::string> changed_keys(const config::Node& before, const config::Node& after) {
    std::vector<std::string> keys;
    for (const config::DiffEntry& entry :
         config::diff(effective_of(before), effective_of(after), {})) {
        keys.push_back(entry.key);
    }
    return keys;
}

}  // namespace xiaozhi::server
