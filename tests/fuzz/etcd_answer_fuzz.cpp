// Fuzz target: what an etcd member (or something in its place) answers, read by every etcd reader.
#include <stdexcept>

#include "fleet/etcd_messages.hpp"
#include "fleet/instance_choice.hpp"
#include "fleet/push_outcome.hpp"
#include "fuzz_input.hpp"

using namespace xiaozhi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    // Each reader either gives a value or throws std::runtime_error naming the problem.
    const auto read = [](auto&& parse) {
        try {
            parse();
        } catch (const std::runtime_error&) {
        }
    };
    read([&] { fleet::parse_range(text); });
    read([&] { fleet::parse_revision(text); });
    read([&] { fleet::parse_txn(text); });
    read([&] { fleet::parse_lease(text); });
    read([&] { fleet::parse_auth_token(text); });
    read([&] { fleet::parse_watch_message(text); });
    fleet::is_invalid_token(text);
    fleet::is_user_required(text);
    fleet::instance_view_of("a", text);
    fleet::outcome_of("a", text, 7);
    return 0;
}
