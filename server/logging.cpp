// Logging: a JSON-lines formatter and the choice between it and the human pattern.
#include "logging.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "log_event.hpp"

namespace xiaozhi::server {

namespace {

// Whether standard error is the journal's stream: JOURNAL_STREAM names its device and inode,
// and a variable inherited from a parent whose stream this is not does not count.
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
    struct stat status {};
    if (::fstat(STDERR_FILENO, &status) != 0) return false;
    return static_cast<unsigned long long>(status.st_dev) == device &&
           static_cast<unsigned long long>(status.st_ino) == inode;
}

// The syslog priority journald reads from a line's "<N>" prefix.
int syslog_priority(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::critical:
            return 2;
        case spdlog::level::err:
            return 3;
        case spdlog::level::warn:
            return 4;
        case spdlog::level::info:
            return 6;
        default:
            return 7;
    }
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
    dest.append(text.data(), text.data() + text.size());
}

// "<4>": the prefix journald reads a line's priority from.
void append_priority(spdlog::memory_buf_t& dest, spdlog::level::level_enum level) {
    append(dest, fmt::format("<{}>", syslog_priority(level)));
}

// `<N>` at the start of a text line for the journal.
class PriorityFlag : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        append_priority(dest, msg.level);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<PriorityFlag>();
    }
};

// {"time":"2026-11-25T22:50:01.123Z","level":"info","event":...,"message":"...",<fields>} per
// line: a log_event object gets the time and level in front, any other line becomes a message.
class JsonLineFormatter : public spdlog::formatter {
  public:
    explicit JsonLineFormatter(bool journal) : journal_(journal) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto millis =
            std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                .count();
        const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
        std::tm utc{};
        ::gmtime_r(&seconds, &utc);
        char stamp[40];
        const std::size_t length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
        if (journal_) append_priority(dest, msg.level);
        const auto level_name = spdlog::level::to_string_view(msg.level);
        const std::string_view level(level_name.data(), level_name.size());
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        append(dest, fmt::format(R"({{"time":"{}.{:03}Z","level":"{}",)",
                                 std::string_view(stamp, length), millis % 1000, level));
        if (payload.starts_with(R"({"event":)")) {
            append(dest, payload.substr(1));
        } else {
            const nlohmann::json message = std::string(payload);
            append(dest, "\"message\":");
            append(dest, message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            append(dest, "}");
        }
        append(dest, "\n");
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonLineFormatter>(journal_);
    }

  private:
    bool journal_;
};

}  // namespace

LogFormat parse_log_format(const std::string& name) {
    if (name == "auto") return LogFormat::automatic;
    if (name == "text") return LogFormat::text;
    if (name == "json") return LogFormat::json;
    throw std::invalid_argument("log format must be auto, text or json, not '" + name + "'");
}

LogSetup configure_logging(LogFormat format, const std::string& level) {
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
    const bool journal = stderr_is_journal();
    if (json) {
        logger->set_formatter(std::make_unique<JsonLineFormatter>(journal));
    } else if (journal) {
        // The journal stamps each line itself.
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        formatter->add_flag<PriorityFlag>('*').set_pattern("%*%-5l %v");
        logger->set_formatter(std::move(formatter));
    } else {
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    set_event_format(json ? EventFormat::json : EventFormat::text);
    logger->set_level(parsed);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
    return LogSetup{json, journal};
}

}  // namespace xiaozhi::server
