// The runtime the analysis assumes: --runtime, or what the inputs look like.
#include "runtime_choice.hpp"

namespace xiaozhi::cli {

deploy::Runtime choose_runtime(const std::string& runtime_flag, const config::Loaded& loaded) {
    if (runtime_flag == "python") return deploy::Runtime::python;
    if (runtime_flag == "xiaozhi") return deploy::Runtime::xiaozhi;
    return loaded.python_layout ? deploy::Runtime::python : deploy::Runtime::xiaozhi;
}

}  // namespace xiaozhi::cli
