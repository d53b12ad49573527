// Terminal detection and one-line error messages for the CLI.
#include "console.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "exit_codes.hpp"

namespace xiaozhi::cli {

bool stdout_wants_color() {
    return isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
}

int usage_error(std::string_view command, std::string_view message) {
    std::cerr << "xiaozhi " << command << ": " << message << '\n';
    return exit_usage;
}

bool flush_stdout() {
    if (std::cout.flush()) return true;
    std::cerr << "xiaozhi: cannot write to standard output\n";
    return false;
}

}  // namespace xiaozhi::cli
