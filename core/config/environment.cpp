// The environment layer: XIAOZHI_SECTION__KEY=value variables mapped onto config keys.
#include <algorithm>
#include <cctype>

#include "config/layer.hpp"
#include "config/parse.hpp"
#include "config/schema.hpp"

namespace xiaozhi::config {

namespace {

constexpr std::string_view prefix = "XIAOZHI_";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A key compared without case and with '-' and '_' treated alike.
std::string normalized(std::string_view key) {
    std::string out = lower(key);
    std::replace(out.begin(), out.end(), '-', '_');
    return out;
}

// The known key spelled like `segment` below `parent`, or the lower-cased segment.
std::string schema_spelling(const Path& parent, std::string_view segment) {
    const std::string wanted = normalized(segment);
    for (const auto& spec : known_keys()) {
        const Path path = split_path(spec.key);
        if (path.size() != parent.size() + 1) continue;
        if (!std::equal(parent.begin(), parent.end(), path.begin())) continue;
        if (normalized(path.back()) == wanted) return path.back();
    }
    return lower(segment);
}

std::vector<std::string> split_segments(std::string_view name) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (true) {
        const std::size_t separator = name.find("__", start);
        segments.emplace_back(name.substr(start, separator == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : separator - start));
        if (separator == std::string_view::npos) break;
        start = separator + 2;
    }
    return segments;
}

}  // namespace

Layer environment_layer(const std::vector<std::string>& environment) {
    Layer layer{
        LayerKind::environment, "environment", Node::map_at(Position{"environment", 0, 0}), {}};
    for (const auto& variable : environment) {
        const std::size_t equals = variable.find('=');
        if (equals == std::string::npos) continue;
        const std::string_view name = std::string_view(variable).substr(0, equals);
        if (name.substr(0, prefix.size()) != prefix) continue;
        const std::string_view rest = name.substr(prefix.size());
        if (rest.find("__") == std::string_view::npos) continue;
        const std::vector<std::string> segments = split_segments(rest);
        if (std::any_of(segments.begin(), segments.end(),
                        [](const std::string& s) { return s.empty(); })) {
            continue;
        }
        Path path;
        for (const auto& segment : segments) path.push_back(schema_spelling(path, segment));
        const Position pos{std::string(name), 0, 0};
        set_path(layer.tree, path, parse_scalar(variable.substr(equals + 1), pos));
    }
    return layer;
}

}  // namespace xiaozhi::config
