// Entry points for parsing: syntax detection, size and binary checks, files and single scalars.
#include "config/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "config/parse_detail.hpp"

namespace xiaozhi::config {

namespace {

std::string lower_extension(const std::string& path) {
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

bool only_whitespace(std::string_view content) {
    return std::all_of(content.begin(), content.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// A line like "[server]" or "[[items]]": TOML's table headers.
bool has_toml_table_header(std::string_view content) {
    std::size_t start = 0;
    while (start < content.size()) {
        std::size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = content.substr(start, end - start);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        while (!line.empty() &&
               (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
            line.remove_suffix(1);
        }
        if (line.size() > 2 && line.front() == '[' && line.back() == ']' &&
            (std::isalpha(static_cast<unsigned char>(line[1])) || line[1] == '[' ||
             line[1] == '"')) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

std::string size_message(std::uintmax_t size) {
    return "file is " + std::to_string(size) + " bytes, larger than the limit of " +
           std::to_string(max_config_bytes) + " bytes";
}

std::string read_bounded(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(Position{path, 0, 0},
                         std::string("cannot read file: ") + std::strerror(errno));
    }
    std::string content;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        content.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (content.size() > max_config_bytes) {
            throw InputError(
                Position{path, 0, 0},
                "file is more than " + std::to_string(max_config_bytes) + " bytes, the limit");
        }
    }
    if (in.bad()) throw InputError(Position{path, 0, 0}, "cannot read file: read error");
    return content;
}

// The tree of a document that repeats no key; else an InputError at the first repetition.
Node without_duplicate_keys(Document document) {
    if (!document.duplicate_keys.empty()) {
        const DuplicateKey& duplicate = document.duplicate_keys.front();
        throw InputError(duplicate.later, "duplicate key '" + duplicate.key + "'");
    }
    return std::move(document.tree);
}

Node with_position(Node node, const Position& pos) {
    node.pos = pos;
    for (auto& item : node.items) item = with_position(std::move(item), pos);
    for (auto& [key, value] : node.entries) value = with_position(std::move(value), pos);
    return node;
}

}  // namespace

Syntax detect_syntax(const std::string& path, std::string_view content) {
    const std::string extension = lower_extension(path);
    if (extension == ".yaml" || extension == ".yml") return Syntax::yaml;
    if (extension == ".toml") return Syntax::toml;
    if (extension == ".json") return Syntax::json;
    std::string_view body = content;
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && body[first] == '{') return Syntax::json;
    if (has_toml_table_header(body)) return Syntax::toml;
    if (first != std::string_view::npos && body[first] == '[') return Syntax::json;
    return Syntax::yaml;
}

Document parse_document(std::string_view content, Syntax syntax, const std::string& file) {
    if (content.size() > max_config_bytes) {
        throw InputError(Position{file, 0, 0}, size_message(content.size()));
    }
    detail::require_text(content, file);
    if (only_whitespace(content)) return Document{Node::map_at(Position{file, 1, 1}), {}};
    switch (syntax) {
        case Syntax::yaml:
            return detail::parse_yaml(content, file);
        case Syntax::toml:
            return Document{detail::parse_toml(content, file), {}};
        case Syntax::json:
            return Document{detail::parse_json(content, file), {}};
    }
    return detail::parse_yaml(content, file);
}

Document read_document(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
        throw InputError(Position{path, 0, 0},
                         "cannot read file: " + (error ? error.message() : "no such file"));
    }
    if (fs::is_directory(status)) throw InputError(Position{path, 0, 0}, "is a directory");
    if (fs::is_regular_file(status)) {
        const std::uintmax_t size = fs::file_size(path, error);
        if (!error && size > max_config_bytes) {
            throw InputError(Position{path, 0, 0}, size_message(size));
        }
    }
    const std::string content = read_bounded(path);
    return parse_document(content, detect_syntax(path, content), path);
}

Node parse_text(std::string_view content, Syntax syntax, const std::string& file) {
    return without_duplicate_keys(parse_document(content, syntax, file));
}

Node parse_file(const std::string& path) {
    return without_duplicate_keys(read_document(path));
}

Node parse_scalar(std::string_view text, Position pos) {
    detail::require_text(text, pos.file);
    const std::size_t first = text.find_first_not_of(" \t");
    const char lead = first == std::string_view::npos ? '\0' : text[first];
    if (lead == '[' || lead == '{' || lead == '"' || lead == '\'') {
        try {
            const Node document = parse_text("value: " + std::string(text), Syntax::yaml, pos.file);
            if (const Node* value = document.find("value")) return with_position(*value, pos);
        } catch (const InputError&) {
            // Not valid flow YAML: the text is taken literally below.
        }
        return Node::string_at(std::string(text), std::move(pos));
    }
    return detail::resolve_plain_scalar(text, std::move(pos));
}

}  // namespace xiaozhi::config
