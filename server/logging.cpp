// Logging: a JSON-lines formatter and the choice between it and the human pattern.
#include "logging.hpp"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace xiaozhi::server {

namespace {

// {"time":"2026-11-25T22:50:01.123Z","level":"info","message":"..."} per line.
class JsonLineFormatter : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto millis =
            std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                .count();
        const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
        std::tm utc{};
        ::gmtime_r(&seconds, &utc);
        char stamp[40];
        const std::size_t length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
        nlohmann::json line;
        line["time"] = std::string(stamp, length) + fmt::format(".{:03}Z", millis % 1000);
        line["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                                    spdlog::level::to_string_view(msg.level).size());
        line["message"] = std::string(msg.payload.data(), msg.payload.size());
        const std::string text =
            line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        dest.append(text.data(), text.data() + text.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonLineFormatter>();
    }
};

}  // namespace

LogFormat parse_log_format(const std::string& name) {
    if (name == "auto") return LogFormat::automatic;
    if (name == "text") return LogFormat::text;
    if (name == "json") return LogFormat::json;
    throw std::invalid_argument("log format must be auto, text or json, not '" + name + "'");
}

bool configure_logging(LogFormat format, const std::string& level) {
    std::string lower = level;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "warning") lower = "warn";
    const spdlog::level::level_enum parsed = spdlog::level::from_str(lower);
    if (parsed == spdlog::level::off && lower != "off") {
        throw std::invalid_argument("unknown log level '" + level +
                                    "' (trace, debug, info, warn, error, critical, off)");
    }
    auto logger = std::make_shared<spdlog::logger>(
        "xiaozhi", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    const bool json =
        format == LogFormat::json || (format == LogFormat::automatic && !::isatty(STDERR_FILENO));
    if (json) {
        logger->set_formatter(std::make_unique<JsonLineFormatter>());
    } else {
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    logger->set_level(parsed);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
    return json;
}

}  // namespace xiaozhi::server
