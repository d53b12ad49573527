// Counts YAML parser events: nesting, values, string and key lengths.
#include "config/yaml_shape.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

#include "config/parse.hpp"
#include "config/parse_limits.hpp"

namespace xiaozhi::config::detail {

namespace {

class ShapeHandler : public YAML::EventHandler {
  public:
    explicit ShapeHandler(const MarkPosition& position) : position_(position) {}

    void OnDocumentStart(const YAML::Mark&) override { open_.clear(); }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        if (!next_is_key()) limits_.count_value(position_(mark));
    }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { next_is_key(); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  const std::string& value) override {
        if (next_is_key()) {
            DocumentLimits::check_key(value, position_(mark));
        } else {
            const Position pos = position_(mark);
            DocumentLimits::check_string(value, pos);
            limits_.count_value(pos);
        }
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        open(mark, false);
    }
    void OnSequenceEnd() override { open_.pop_back(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open(mark, true);
    }
    void OnMapEnd() override { open_.pop_back(); }

  private:
    struct Container {
        bool is_map = false;
        std::size_t children = 0;
    };

    // Whether the node that starts now is a map's key (a key is no value of its own).
    bool next_is_key() {
        if (open_.empty()) return false;
        Container& parent = open_.back();
        return parent.is_map && parent.children++ % 2 == 0;
    }

    void open(const YAML::Mark& mark, bool is_map) {
        const bool is_key = next_is_key();
        const int depth = static_cast<int>(open_.size()) + 1;
        if (depth > max_config_depth) throw too_deep(position_(mark));
        if (!is_key) limits_.count_value(position_(mark));
        open_.push_back(Container{is_map, 0});
    }

    const MarkPosition& position_;
    DocumentLimits limits_;
    std::vector<Container> open_;
};

}  // namespace

void check_yaml_shape(const std::string& text, const MarkPosition& position) {
    std::istringstream input(text);
    YAML::Parser parser(input);
    ShapeHandler handler(position);
    bool more_documents = true;
    while (more_documents) more_documents = parser.HandleNextDocument(handler);
}

}  // namespace xiaozhi::config::detail
