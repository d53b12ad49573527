// The snapshot's record of the TLS files read for a deployment, and the time it was taken.
#include "host/snapshot_tls.hpp"

#include "config/input_error.hpp"
#include "tls/utc_time.hpp"

namespace xiaozhi::host {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& file, const std::string& field,
                       const std::string& expected) {
    throw config::InputError(config::Position{file, 0, 0},
                             "field " + field + ": expected " + expected);
}

// Reads the fields of one object, each optional unless asked for with `required`.
class ObjectFields {
  public:
    ObjectFields(const json& value, const std::string& file, std::string field)
        : value_(value), file_(file), field_(std::move(field)) {
        if (!value.is_object()) fail(file_, field_, "an object");
    }

    const json* find(const char* name, bool required = false) const {
        if (!value_.contains(name)) {
            if (required) fail(file_, path(name), "a value (it is missing)");
            return nullptr;
        }
        return &value_[name];
    }

    std::string string(const char* name, bool required = false) const {
        const json* value = find(name, required);
        if (!value) return {};
        if (!value->is_string()) fail(file_, path(name), "a string");
        return value->get<std::string>();
    }

    bool boolean(const char* name) const {
        const json* value = find(name);
        if (!value) return false;
        if (!value->is_boolean()) fail(file_, path(name), "true or false");
        return value->get<bool>();
    }

    std::vector<std::string> strings(const char* name) const {
        std::vector<std::string> out;
        const json* value = find(name);
        if (!value) return out;
        if (!value->is_array()) fail(file_, path(name), "an array of strings");
        for (const json& item : *value) {
            if (!item.is_string()) fail(file_, path(name), "an array of strings");
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    std::chrono::system_clock::time_point time(const char* name) const {
        return time_from_json(*find(name, true), file_, path(name));
    }

    std::string path(const char* name) const { return field_ + "." + name; }

  private:
    const json& value_;
    const std::string& file_;
    std::string field_;
};

json facts_to_json(const tls::CertificateFacts& facts) {
    return json{{"subject", facts.subject},
                {"issuer", facts.issuer},
                {"common_name", facts.common_name},
                {"has_subject_alt_name", facts.has_subject_alt_name},
                {"dns_names", facts.dns_names},
                {"ip_addresses", facts.ip_addresses},
                {"not_before", time_to_json(facts.not_before)},
                {"not_after", time_to_json(facts.not_after)},
                {"sha256_fingerprint", facts.sha256_fingerprint}};
}

tls::CertificateFacts facts_from_json(const json& value, const std::string& file,
                                      const std::string& field) {
    ObjectFields fields(value, file, field);
    tls::CertificateFacts facts;
    facts.subject = fields.string("subject");
    facts.issuer = fields.string("issuer");
    facts.common_name = fields.string("common_name");
    facts.has_subject_alt_name = fields.boolean("has_subject_alt_name");
    facts.dns_names = fields.strings("dns_names");
    facts.ip_addresses = fields.strings("ip_addresses");
    facts.not_before = fields.time("not_before");
    facts.not_after = fields.time("not_after");
    facts.sha256_fingerprint = fields.string("sha256_fingerprint");
    return facts;
}

tls::CertificatePair pair_from_json(const json& value, const std::string& file,
                                    const std::string& field) {
    ObjectFields fields(value, file, field);
    tls::CertificatePair pair;
    pair.cert_path = fields.string("cert", true);
    pair.key_path = fields.string("key", true);
    const std::string problem = fields.string("problem", true);
    auto parsed = tls::parse_pair_problem(problem);
    if (!parsed) fail(file, fields.path("problem"), "a problem name such as \"none\"");
    pair.problem = *parsed;
    pair.detail = fields.string("detail");
    if (const json* chain = fields.find("chain")) {
        if (!chain->is_array()) fail(file, fields.path("chain"), "an array");
        for (std::size_t i = 0; i < chain->size(); ++i) {
            pair.chain.push_back(facts_from_json(
                (*chain)[i], file, fields.path("chain") + "[" + std::to_string(i) + "]"));
        }
    }
    return pair;
}

}  // namespace

json time_to_json(std::chrono::system_clock::time_point time) {
    return tls::utc_time_text(time);
}

std::chrono::system_clock::time_point time_from_json(const json& value, const std::string& file,
                                                     const std::string& field) {
    const char* expected = "a UTC time such as \"2026-01-31T12:00:00Z\"";
    if (!value.is_string()) fail(file, field, expected);
    auto time = tls::parse_utc_time(value.get<std::string>());
    if (!time) fail(file, field, expected);
    return *time;
}

json certificates_to_json(const std::vector<tls::CertificatePair>& pairs) {
    json out = json::array();
    for (const tls::CertificatePair& pair : pairs) {
        json chain = json::array();
        for (const tls::CertificateFacts& facts : pair.chain) chain.push_back(facts_to_json(facts));
        out.push_back(json{{"cert", pair.cert_path},
                           {"key", pair.key_path},
                           {"problem", tls::pair_problem_name(pair.problem)},
                           {"detail", pair.detail},
                           {"chain", chain}});
    }
    return out;
}

std::vector<tls::CertificatePair> certificates_from_json(const json& value,
                                                         const std::string& file) {
    if (!value.is_array()) fail(file, "certificates", "an array");
    std::vector<tls::CertificatePair> pairs;
    for (std::size_t i = 0; i < value.size(); ++i) {
        pairs.push_back(pair_from_json(value[i], file, "certificates[" + std::to_string(i) + "]"));
    }
    return pairs;
}

}  // namespace xiaozhi::host
