// The shared pipeline: choose the runtime, build the deployment model, run the rules.
#include "pipeline.hpp"

#include "analysis/analyze.hpp"

namespace xiaozhi::cli {

deploy::Runtime choose_runtime(const std::string& runtime_flag, const config::Loaded& loaded) {
    if (runtime_flag == "python") return deploy::Runtime::python;
    if (runtime_flag == "xiaozhi") return deploy::Runtime::xiaozhi;
    return loaded.python_layout ? deploy::Runtime::python : deploy::Runtime::xiaozhi;
}

std::vector<analysis::Finding> analyze_loaded(const config::Loaded& loaded, deploy::Runtime runtime,
                                              const host::Snapshot& snapshot) {
    const deploy::Model model = deploy::build_model(loaded.effective, loaded.compose, runtime);
    return analysis::analyze({loaded.effective, model, snapshot});
}

}  // namespace xiaozhi::cli
