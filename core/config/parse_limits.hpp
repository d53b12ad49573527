// The checks that keep every parser within the configuration limits of parse.hpp.
#pragma once

#include <cstddef>
#include <string_view>

#include "config/input_error.hpp"
#include "config/node.hpp"

namespace xiaozhi::config::detail {

// The errors of crossing a limit, at the node that crosses it; each message names the limit.
InputError too_deep(Position pos);
InputError too_many_values(Position pos);
InputError too_long_string(Position pos);
InputError too_long_key(Position pos);

// The running count of one document's values as a parser builds them; each check throws
// one of the errors above.
class DocumentLimits {
  public:
    // A map or list at nesting `depth` (the top-level map is 1): one more value, at most
    // max_config_depth deep.
    void container(int depth, const Position& pos);
    // A scalar: one more value.
    void count_value(const Position& pos);
    // A copy of a whole tree kept beside the document (a repeated key's value): as many more.
    void count_copy(const Node& copy);

    static void check_string(std::string_view text, const Position& pos);
    static void check_key(std::string_view key, const Position& pos);

  private:
    std::size_t values_ = 0;
};

}  // namespace xiaozhi::config::detail
