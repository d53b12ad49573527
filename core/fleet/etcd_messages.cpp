// etcd gateway JSON: keys and values in Base64, 64-bit numbers as strings, errors as {"error"}.
#include "fleet/etcd_messages.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "protocol/crypto.hpp"

namespace xiaozhi::fleet {

namespace {

using nlohmann::json;

std::string b64(std::string_view text) {
    return protocol::base64_encode(text);
}

std::string decoded(const json& field) {
    const auto text = protocol::base64_decode(field.get<std::string>());
    if (!text) throw std::runtime_error("etcd answered a key or value that is not Base64");
    return *text;
}

// etcd writes int64 fields as strings and leaves out those that are 0.
std::int64_t number(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end()) return 0;
    if (it->is_string()) return std::stoll(it->get<std::string>());
    if (it->is_number_integer()) return it->get<std::int64_t>();
    throw std::runtime_error(std::string("etcd answered a ") + name + " that is not a number");
}

// Runs a reader; JSON of another shape (a field of the wrong type, a missing one) or a
// number out of range becomes the std::runtime_error the readers promise.
template <typename Read>
auto read_answer(Read&& read) {
    try {
        return read();
    } catch (const json::exception& error) {
        throw std::runtime_error(std::string("etcd answered JSON of another shape: ") +
                                 error.what());
    } catch (const std::logic_error& error) {
        throw std::runtime_error(std::string("etcd answered a number that does not fit: ") +
                                 error.what());
    }
}

EtcdKeyValue key_value_of(const json& kv) {
    EtcdKeyValue entry;
    entry.key = decoded(kv.at("key"));
    if (kv.contains("value")) entry.value = decoded(kv["value"]);
    entry.create_revision = number(kv, "create_revision");
    entry.mod_revision = number(kv, "mod_revision");
    entry.lease = number(kv, "lease");
    return entry;
}

json parsed(std::string_view text) {
    json answer = json::parse(text, nullptr, false);
    if (answer.is_discarded() || !answer.is_object()) {
        throw std::runtime_error("etcd answered something that is not a JSON object");
    }
    if (answer.contains("error")) {
        const json& error = answer["error"];
        throw std::runtime_error("etcd refused: " +
                                 (error.is_string() ? error.get<std::string>() : error.dump()));
    }
    return answer;
}

json key_range(std::string_view key, bool prefix) {
    json body = {{"key", b64(key)}};
    if (prefix) body["range_end"] = b64(prefix_range_end(key));
    return body;
}

json put_body(std::string_view key, std::string_view value, std::int64_t lease) {
    json body = {{"key", b64(key)}, {"value", b64(value)}};
    if (lease != 0) body["lease"] = std::to_string(lease);
    return body;
}

}  // namespace

std::string prefix_range_end(std::string_view prefix) {
    std::string end(prefix);
    while (!end.empty()) {
        auto& last = reinterpret_cast<unsigned char&>(end.back());
        if (last < 0xff) {
            ++last;
            return end;
        }
        end.pop_back();
    }
    return std::string(1, '\0');  // every key
}

std::string range_request(std::string_view key, bool prefix) {
    return key_range(key, prefix).dump();
}

std::string put_request(std::string_view key, std::string_view value, std::int64_t lease) {
    return put_body(key, value, lease).dump();
}

std::string delete_request(std::string_view key, bool prefix) {
    return key_range(key, prefix).dump();
}

std::string txn_request(const std::vector<EtcdCompare>& compares,
                        const std::vector<EtcdOperation>& success) {
    json conditions = json::array();
    for (const EtcdCompare& compare : compares) {
        const bool mod = compare.target == EtcdCompare::Target::mod;
        conditions.push_back({{"key", b64(compare.key)},
                              {"target", mod ? "MOD" : "VERSION"},
                              {"result", "EQUAL"},
                              {mod ? "mod_revision" : "version", std::to_string(compare.value)}});
    }
    json operations = json::array();
    for (const EtcdOperation& operation : success) {
        if (operation.kind == EtcdOperation::Kind::put) {
            operations.push_back(
                {{"requestPut", put_body(operation.key, operation.value, operation.lease)}});
        } else {
            operations.push_back({{"requestDeleteRange", key_range(operation.key, false)}});
        }
    }
    return json{{"compare", std::move(conditions)}, {"success", std::move(operations)}}.dump();
}

std::string put_if_revision_request(std::string_view key, std::string_view value,
                                    std::int64_t mod_revision, std::int64_t lease) {
    return txn_request({{std::string(key), EtcdCompare::Target::mod, mod_revision}},
                       {{EtcdOperation::Kind::put, std::string(key), std::string(value), lease}});
}

std::string watch_request(std::string_view key, bool prefix, std::int64_t start_revision) {
    json create = key_range(key, prefix);
    create["start_revision"] = std::to_string(start_revision);
    return json{{"create_request", std::move(create)}}.dump();
}

std::string authenticate_request(std::string_view user, std::string_view password) {
    return json{{"name", user}, {"password", password}}.dump();
}

std::string lease_grant_request(std::int64_t ttl_seconds) {
    return json{{"TTL", std::to_string(ttl_seconds)}}.dump();
}

std::string lease_id_request(std::int64_t lease) {
    return json{{"ID", std::to_string(lease)}}.dump();
}

EtcdRange parse_range(std::string_view text) {
    return read_answer([&] {
        const json answer = parsed(text);
        EtcdRange range;
        if (answer.contains("header")) range.revision = number(answer["header"], "revision");
        for (const json& kv : answer.value("kvs", json::array())) {
            range.kvs.push_back(key_value_of(kv));
        }
        return range;
    });
}

std::int64_t parse_revision(std::string_view text) {
    return read_answer([&] {
        const json answer = parsed(text);
        return answer.contains("header") ? number(answer["header"], "revision") : 0;
    });
}

bool parse_txn_succeeded(std::string_view text) {
    return read_answer([&] { return parsed(text).value("succeeded", false); });
}

EtcdTxnResult parse_txn(std::string_view text) {
    return read_answer([&] {
        const json answer = parsed(text);
        EtcdTxnResult result;
        result.succeeded = answer.value("succeeded", false);
        if (answer.contains("header")) result.revision = number(answer["header"], "revision");
        return result;
    });
}

EtcdWatchMessage parse_watch_message(std::string_view text) {
    return read_answer([&] {
        json answer = parsed(text);
        if (!answer.contains("result") || !answer["result"].is_object()) {
            throw std::runtime_error("etcd's watch answered something without a result");
        }
        const json& result = answer["result"];
        EtcdWatchMessage message;
        message.created = result.value("created", false);
        message.canceled = result.value("canceled", false);
        message.compact_revision = number(result, "compact_revision");
        if (result.contains("header")) message.revision = number(result["header"], "revision");
        for (const json& event : result.value("events", json::array())) {
            EtcdKeyValue entry = key_value_of(event.at("kv"));
            if (event.value("type", std::string()) == "DELETE") entry.mod_revision = 0;
            message.events.push_back(std::move(entry));
        }
        return message;
    });
}

std::string parse_auth_token(std::string_view text) {
    return read_answer([&] {
        const json answer = parsed(text);
        const auto token = answer.find("token");
        if (token == answer.end() || !token->is_string() || token->get<std::string>().empty()) {
            throw std::runtime_error("etcd answered the authentication without a token");
        }
        return token->get<std::string>();
    });
}

bool is_invalid_token(std::string_view text) {
    const json answer = json::parse(text, nullptr, false);
    if (!answer.is_object()) return false;
    const auto code = answer.find("code");
    return code != answer.end() && code->is_number_integer() && code->get<std::int64_t>() == 16;
}

bool is_user_required(std::string_view text) {
    const json answer = json::parse(text, nullptr, false);
    return answer.is_object() &&
           answer.value("error", std::string()).ends_with("user name is empty");
}

EtcdLease parse_lease(std::string_view text) {
    return read_answer([&] {
        json answer = parsed(text);
        // keepalive streams {"result": {...}}; grant answers the fields themselves.
        if (answer.contains("result")) answer = answer["result"];
        return EtcdLease{number(answer, "ID"), number(answer, "TTL")};
    });
}

}  // namespace xiaozhi::fleet
