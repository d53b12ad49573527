// GET /metrics after a real session: promtool accepts it, the latency histograms and
// process_* figures say what happened.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "canary_device.hpp"
#include "cli_harness.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace xiaozhi::testing;

namespace {

// The value of the sample `name` (with its labels, if any) in an exposition; NaN when absent.
double sample(const std::string& exposition, const std::string& name) {
    const std::size_t at = exposition.find("\n" + name + " ");
    if (at == std::string::npos) return std::nan("");
    return std::stod(exposition.substr(at + name.size() + 2));
}

std::string proc_line(int pid, const std::string& file, const std::string& prefix) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) return line;
    }
    return "";
}

}  // namespace

TEST_CASE("/metrics after a session passes promtool and times OTA, upgrade, hello and replies",
          "[serve][metrics]") {
    ServeProcess serve;
    CanaryDevice canary(serve.websocket_port());
    canary.talk();
    canary.talk();
    const HttpCall ota = ota_request("aa:bb:cc:00:00:31", "3f2504e0-4f89-11d3-9a0c-0305e82c3331");
    for (int i = 0; i < 3; ++i) REQUIRE(http_call(serve.http_port(), ota).status == 200);

    const HttpReply reply = http_get(serve.http_port(), "/metrics");
    REQUIRE(reply.status == 200);
    const std::string& metrics = reply.body;
    INFO(metrics);

    TempDir dir;
    const auto [status, findings] = promtool_check(metrics, dir);
    INFO("promtool: " << findings);
    CHECK(status == 0);
    CHECK(findings.empty());

    CHECK(sample(metrics, "xiaozhi_ota_answer_seconds_count") == 3);
    CHECK(sample(metrics, "xiaozhi_websocket_upgrade_seconds_count") == 1);
    CHECK(sample(metrics, "xiaozhi_hello_seconds_count") == 1);
    CHECK(sample(metrics, "xiaozhi_first_reply_seconds_count") == 2);
    // Two turns of 10 packets each, every one paced.
    CHECK(sample(metrics, "xiaozhi_reply_frame_lateness_seconds_count") == 20);
    CHECK(sample(metrics, "xiaozhi_ota_answer_seconds_bucket{le=\"+Inf\"}") == 3);
    CHECK(sample(metrics, "xiaozhi_ota_answer_seconds_sum") > 0);
    CHECK(sample(metrics, "xiaozhi_ota_answer_seconds_sum") < 3 * 10.0);
    CHECK(sample(metrics, "xiaozhi_hello_seconds_bucket{le=\"10\"}") == 1);
    CHECK(contains(metrics, "\nxiaozhi_build_info{version=\""));

    CHECK(sample(metrics, "process_open_fds") >= 5);
    const std::string limit = proc_line(serve.pid(), "limits", "Max open files");
    std::istringstream words(limit.substr(std::string("Max open files").size()));
    double soft = 0;
    words >> soft;
    CHECK(sample(metrics, "process_max_fds") == soft);
    const double now = static_cast<double>(std::time(nullptr));
    CHECK(sample(metrics, "process_start_time_seconds") > now - 600);
    CHECK(sample(metrics, "process_start_time_seconds") <= now + 1);
    CHECK(sample(metrics, "process_cpu_seconds_total") > 0);
    const double resident = sample(metrics, "process_resident_memory_bytes");
    const double status_rss = resident_kib(serve.pid()) * 1024.0;
    CHECK(resident > status_rss / 2);
    CHECK(resident < status_rss * 2);
    CHECK(sample(metrics, "process_virtual_memory_bytes") >= resident);
}
