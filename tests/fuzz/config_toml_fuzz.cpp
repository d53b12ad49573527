// Fuzz target: parse_document on TOML text (a config file or the admin API's body).
#include "config/parse.hpp"
#include "fuzz_input.hpp"

using namespace xiaozhi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const config::Document document =
            config::parse_document(fuzz::as_text(data, size), config::Syntax::toml, "fuzz.toml");
        fuzz::require(document.tree.is_map(), "a parsed document is a map");
    } catch (const config::InputError&) {
    }
    return 0;
}
