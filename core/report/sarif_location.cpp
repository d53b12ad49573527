// SARIF physical locations: artifact URIs and regions whose columns count UTF-16 code units.
#include "report/sarif_location.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace xiaozhi::report {

namespace {

// The relative path as given, with forward slashes and the characters a URI cannot hold
// percent-encoded.
std::string artifact_uri(std::string_view file) {
    if (file.substr(0, 2) == "./") file.remove_prefix(2);
    std::string uri;
    for (char c : file) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            uri += '/';
        } else if (byte <= 0x20 || byte == 0x7f || c == '%' || c == '"' || c == '<' || c == '>' ||
                   c == '#' || c == '?' || c == '[' || c == ']' || c == '^' || c == '`' ||
                   c == '{' || c == '|' || c == '}') {
            char encoded[4];
            std::snprintf(encoded, sizeof encoded, "%%%02X", byte);
            uri += encoded;
        } else {
            uri += c;
        }
    }
    return uri;
}

// A position made by hand (not by a parser) has no UTF-16 column: its column stands in.
int utf16_column(const config::Position& pos) {
    return pos.utf16_column > 0 ? pos.utf16_column : pos.column;
}

}  // namespace

Json physical_location(const config::Position& pos) {
    Json location = Json::object();
    location["artifactLocation"] = {{"uri", artifact_uri(pos.file)}};
    if (pos.line > 0) {
        Json region = Json::object();
        region["startLine"] = pos.line;
        if (utf16_column(pos) > 0) region["startColumn"] = utf16_column(pos);
        location["region"] = std::move(region);
    }
    return location;
}

Json sarif_log(Json run) {
    Json document = Json::object();
    document["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    document["version"] = "2.1.0";
    document["runs"] = Json::array();
    document["runs"].push_back(std::move(run));
    return document;
}

}  // namespace xiaozhi::report
