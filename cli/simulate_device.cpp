// `xiaozhi simulate-device`: options, where the devices connect, the run, its report and SLOs.
#include "simulate_device.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "advertised_addresses.hpp"
#include "config/duration_text.hpp"
#include "console.hpp"
#include "deploy/url.hpp"
#include "exit_codes.hpp"
#include "host/linux_probe.hpp"
#include "option_values.hpp"
#include "run_report.hpp"
#include "run_tls.hpp"
#include "settings.hpp"
#include "simulation.hpp"
#include "tls_trust.hpp"

namespace xiaozhi::cli {

namespace {

constexpr const char* kCommand = "simulate-device";

constexpr const char* description =
    "Simulate xiaozhi devices against a server: OTA, WebSocket, hello and talking turns";

constexpr const char* footer =
    "Each device boots like the firmware: OTA POST with its own MAC and UUID, then the\n"
    "WebSocket with the token and protocol version of the answer, hello, and turns of\n"
    "listen start, paced Opus frames, listen stop, and the server's reply. Latencies count\n"
    "from when each action was due, into p50/p90/p99/p99.9/max.\n"
    "TLS: an https:// OTA URL and a wss:// WebSocket URL (from --ws or the OTA answer) are\n"
    "verified against the system trust store (or --ca FILE): the certificate must be valid\n"
    "now, issued by a trusted CA and cover the URL's host (an IP host must be among its IP\n"
    "addresses). A refused certificate is the error class tls_certificate (ota_tls_certificate\n"
    "for OTA), with OpenSSL's reason; the latency row tls_handshake times each handshake.\n\n"
    "Examples:\n"
    "  xiaozhi simulate-device --ota http://127.0.0.1:8003/xiaozhi/ota/ --devices 100 "
    "--ramp 10s --turns 3\n"
    "  xiaozhi simulate-device ./xiaozhi-server --devices 500 --duration 2m \\\n"
    "      --slo 'hello.p99<200ms' --slo 'errors<0.1%' --report run.json\n"
    "  xiaozhi simulate-device --ws ws://127.0.0.1:8000/xiaozhi/v1/ --protocol 3 "
    "--verify-audio\n"
    "  xiaozhi simulate-device --ota https://voice.example.net/xiaozhi/ota/ --ca ca.pem "
    "--devices 50\n"
    "Exit status: 0 done, 1 an objective breached, 2 usage or input error, 3 no device got\n"
    "through (nothing reachable).";

// Live progress on standard error, about once a second, only on a terminal.
class Progress {
  public:
    explicit Progress(std::uint32_t devices) : devices_(devices) {}

    void operator()(const simulator::RunStats& stats, std::chrono::milliseconds elapsed) {
        if (elapsed - last_ < std::chrono::seconds(1)) return;
        const auto frames = stats.total(simulator::Counter::frames_sent) +
                            stats.total(simulator::Counter::frames_received);
        const double seconds = std::chrono::duration<double>(elapsed - last_).count();
        const double rate = static_cast<double>(frames - last_frames_) / seconds;
        last_ = elapsed;
        last_frames_ = frames;
        std::cerr << fmt::format(
            "\r[{:>5.0f}s] devices {}/{}  hello {}  turns {}  frames/s {:.0f}  errors {}   ",
            std::chrono::duration<double>(elapsed).count(),
            stats.total(simulator::Counter::devices_started), devices_,
            stats.total(simulator::Counter::hello_ok),
            stats.total(simulator::Counter::turns_completed), rate,
            stats.total(simulator::Counter::errors));
        shown_ = true;
    }

    void end() const {
        if (shown_) std::cerr << '\n';
    }

  private:
    std::uint32_t devices_;
    std::chrono::milliseconds last_{0};
    std::uint64_t last_frames_ = 0;
    bool shown_ = false;
};

// The OTA URL `serve` would print for this configuration on this machine, from the
// configured ports (the same derivation: server.ota, else the advertised host and http_port).
std::string ota_url_of_deployment(const ConfigInputs& inputs) {
    const config::Loaded loaded = config::load(load_options(inputs, true));
    const server::ServerSettings settings = server::read_server_settings(loaded.effective, "");
    const server::BoundPorts ports{settings.websocket_port, settings.http_port};
    return server::advertised_addresses(settings, ports, loaded.effective,
                                        host::probe_linux(host::ProbeOptions{}))
        .ota_url;
}

std::optional<std::chrono::milliseconds> duration_option(const std::string& name,
                                                         const std::string& text) {
    auto value = config::parse_duration(text);
    if (!value) {
        usage_error(kCommand, name + " \"" + text + "\" is not a duration (e.g. 500ms, 10s, 2m)");
    }
    return value;
}

bool valid_url(const std::string& name, const std::string& text,
               std::initializer_list<std::string_view> schemes) {
    deploy::UrlError error;
    const auto url = deploy::parse_url(text, &error);
    if (!url) {
        usage_error(kCommand, name + " \"" + text + "\": " + error.message);
        return false;
    }
    for (const auto scheme : schemes) {
        if (url->scheme == scheme) return true;
    }
    std::string allowed;
    for (const auto scheme : schemes) {
        allowed += (allowed.empty() ? "" : " or ") + std::string(scheme) + "://";
    }
    usage_error(kCommand, name + " \"" + text + "\" must be an " + allowed + " URL");
    return false;
}

// The engine's options from the command line; nullopt after a usage message.
std::optional<simulator::SimulationOptions> simulation_options(
    const SimulateDeviceOptions& options) {
    simulator::SimulationOptions run;
    const int sources =
        !options.inputs.paths.empty() + !options.ota_url.empty() + !options.ws_url.empty();
    if (sources != 1) {
        usage_error(kCommand,
                    "give exactly one of a deployment (folder or config file), --ota "
                    "URL or --ws URL");
        return std::nullopt;
    }
    run.ota_url =
        options.inputs.paths.empty() ? options.ota_url : ota_url_of_deployment(options.inputs);
    run.ws_url = options.ws_url;
    if (!run.ota_url.empty() && !valid_url("--ota", run.ota_url, {"http", "https"})) {
        return std::nullopt;
    }
    if (!run.ws_url.empty() && !valid_url("--ws", run.ws_url, {"ws", "wss"})) return std::nullopt;
    run.token = options.token;
    run.ca_file = options.ca_file;
    run.insecure = options.insecure;
    if (const std::string problem = simulator::tls_trust_problem(run); !problem.empty()) {
        usage_error(kCommand, "--ca: " + problem);
        return std::nullopt;
    }
    run.devices = options.devices;
    run.rate = options.rate;
    const auto ramp = duration_option("--ramp", options.ramp);
    const auto duration = duration_option("--duration", options.duration);
    const auto pause = duration_option("--pause", options.pause);
    const auto hello_timeout = duration_option("--hello-timeout", options.hello_timeout);
    const auto reply_timeout = duration_option("--reply-timeout", options.reply_timeout);
    if (!ramp || !duration || !pause || !hello_timeout || !reply_timeout) return std::nullopt;
    run.ramp = *ramp;
    run.duration = *duration;
    run.pause = *pause;
    run.hello_timeout = *hello_timeout;
    run.reply_timeout = *reply_timeout;
    run.idle = options.idle;
    if (run.idle && duration->count() == 0) {
        usage_error(kCommand, "--idle needs --duration (how long the devices stay connected)");
        return std::nullopt;
    }
    run.turns = options.turns >= 0 ? options.turns : (duration->count() > 0 ? 0 : 1);
    if (run.turns == 0 && duration->count() == 0) {
        usage_error(kCommand, "--turns 0 (no limit) needs --duration");
        return std::nullopt;
    }
    run.mode = options.mode == "auto"       ? protocol::ListenMode::auto_stop
               : options.mode == "realtime" ? protocol::ListenMode::realtime
                                            : protocol::ListenMode::manual_stop;
    if (options.protocol != 0) {
        run.protocol = static_cast<protocol::BinaryProtocol>(options.protocol);
    }
    run.abort_rate = options.abort_rate;
    run.verify_audio = options.verify_audio;
    run.seed = options.seed;
    run.threads = options.threads;
    run.board = options.board;
    run.firmware_version = options.firmware_version;
    return run;
}

std::optional<simulator::UplinkAudio> uplink_audio(const SimulateDeviceOptions& options) {
    if (options.audio_file.empty()) {
        const auto length = duration_option("--utterance", options.utterance);
        if (!length) return std::nullopt;
        if (length->count() < options.frame_duration) {
            usage_error(kCommand, "--utterance must last at least one frame");
            return std::nullopt;
        }
        return simulator::speech_uplink(static_cast<int>(length->count()), options.frame_duration,
                                        static_cast<std::uint32_t>(options.seed));
    }
    std::string error;
    auto uplink = simulator::wav_uplink(options.audio_file, options.frame_duration, error);
    if (!uplink) usage_error(kCommand, error);
    return uplink;
}

std::optional<std::vector<simulator::Slo>> objectives(const std::vector<std::string>& texts) {
    std::vector<simulator::Slo> slos;
    for (const auto& text : texts) {
        std::string error;
        auto slo = simulator::parse_slo(text, error);
        if (!slo) {
            usage_error(kCommand, error);
            return std::nullopt;
        }
        slos.push_back(std::move(*slo));
    }
    return slos;
}

}  // namespace

CLI::App* add_simulate_device(CLI::App& app, SimulateDeviceOptions& options) {
    CLI::App* command = app.add_subcommand(kCommand, description);
    command->footer(footer);
    takes_path(command->add_option(
        "paths", options.inputs.paths,
        "A deployment (xiaozhi-server folder or config files, lowest precedence first): the "
        "devices use the OTA URL serve derives from it (default: none; give --ota or --ws)"));
    add_layer_options(*command, options.inputs);
    command
        ->add_option("--ota", options.ota_url,
                     "OTA URL the devices boot from, e.g. http://10.0.0.2:8003/xiaozhi/ota/ "
                     "(https:// for TLS)")
        ->type_name("URL");
    command
        ->add_option("--ws", options.ws_url,
                     "Skip OTA and connect to this WebSocket URL, e.g. "
                     "ws://10.0.0.2:8000/xiaozhi/v1/ (wss:// for TLS)")
        ->type_name("URL");
    command
        ->add_option("--token", options.token,
                     "Bearer token for --ws (with OTA the answer's token is used) "
                     "(default: none)")
        ->type_name("TOKEN");
    add_tls_trust_options(*command, options.ca_file, options.insecure);
    command->add_option("--devices", options.devices, "Simulated devices (default: 1)")
        ->check(CLI::Range(1u, 1000000u))
        ->type_name("N");
    command
        ->add_option("--ramp", options.ramp,
                     "Start the devices evenly spread over this time (default: all at once)")
        ->type_name("DURATION");
    command
        ->add_option("--rate", options.rate,
                     "Or: start devices at this many per second, Poisson arrivals")
        ->check(CLI::PositiveNumber)
        ->type_name("PER_SECOND");
    command
        ->add_option("--duration", options.duration,
                     "No device starts a turn after this time; with no --turns, devices talk "
                     "until then (default: no limit)")
        ->type_name("DURATION");
    auto* turns = command
                      ->add_option("--turns", options.turns,
                                   "Turns per device; 0 = until --duration (default: 1, or 0 "
                                   "with --duration)")
                      ->check(CLI::Range(0, 1000000))
                      ->type_name("N");
    command
        ->add_flag("--idle", options.idle,
                   "Connect and say hello, then talk no turn: stay connected until --duration "
                   "ends (memory per idle device)")
        ->excludes(turns);
    add_choice_option(*command, "--mode", options.mode, "MODE", {"auto", "manual", "realtime"},
                      "listen mode of each turn (default: manual)");
    command
        ->add_option("--protocol", options.protocol,
                     "Binary protocol version 1, 2 or 3 (default: the OTA answer's, else 1)")
        ->check(CLI::Range(1, 3))
        ->type_name("VERSION");
    takes_file(command->add_option(
        "--audio", options.audio_file,
        "What each device says: a 16-bit PCM WAV file, resampled to 16 kHz mono (default: a "
        "built-in speech-like signal)"));
    command
        ->add_option("--utterance", options.utterance,
                     "Length of the built-in speech signal (default: 1.8s)")
        ->type_name("DURATION");
    command
        ->add_option("--frame-duration", options.frame_duration,
                     "Uplink Opus frame duration in ms (default: 60)")
        ->check(CLI::IsMember({20, 40, 60}))
        ->type_name("MS");
    command
        ->add_option("--pause", options.pause,
                     "Pause between a reply and the next turn, +-20 % (default: 1s)")
        ->type_name("DURATION");
    command
        ->add_option("--abort-rate", options.abort_rate,
                     "Share of turns that send abort during the reply, 0..1 (default: 0)")
        ->check(CLI::Range(0.0, 1.0))
        ->type_name("SHARE");
    command->add_flag("--verify-audio", options.verify_audio,
                      "Decode every downlink Opus frame and count those that fail");
    command
        ->add_option("--seed", options.seed,
                     "Seed of MACs, UUIDs, arrival order and timing jitter (default: 1)")
        ->type_name("N");
    command
        ->add_option("--hello-timeout", options.hello_timeout,
                     "Give up on a server that does not say hello (default: 10s)")
        ->type_name("DURATION");
    command
        ->add_option("--reply-timeout", options.reply_timeout,
                     "Give up on a turn with no tts stop this long after listen stop "
                     "(default: 30s)")
        ->type_name("DURATION");
    command->add_option("--threads", options.threads, "Threads (default: one per core)")
        ->check(CLI::Range(0, 256))
        ->type_name("N");
    takes_file(command->add_option("--report", options.report_file,
                                   "Write every figure as JSON to FILE (default: none)"));
    command
        ->add_option(
            "--slo", options.slos,
            "Objective, repeatable: LATENCY.STAT<VALUE (ota, connect, tls_handshake, hello, "
            "first_reply, downlink_gap, pacing_lateness, round_trip; p50, p90, p99, p99.9, max, "
            "mean; us, ms, s) or errors<N or errors<P%; a breach exits 1")
        ->type_name("OBJECTIVE")
        ->allow_extra_args(false);
    command
        ->add_option("--board", options.board,
                     "board.type and User-Agent name (default: bread-compact-wifi)")
        ->type_name("NAME");
    command
        ->add_option("--firmware-version", options.firmware_version,
                     "application.version the devices report (default: 1.0.0)")
        ->type_name("VERSION");
    return command;
}

int run_simulate_device(const SimulateDeviceOptions& options) {
    const auto slos = objectives(options.slos);
    if (!slos) return exit_usage;
    const auto run = simulation_options(options);
    if (!run) return exit_usage;
    const auto uplink = uplink_audio(options);
    if (!uplink) return exit_usage;
    if (run->insecure) std::cerr << client::insecure_warning(kCommand) << '\n';
    std::ofstream report_stream;
    if (!options.report_file.empty()) {
        report_stream.open(options.report_file, std::ios::trunc);
        if (!report_stream) {
            return usage_error(kCommand, "cannot write the report to " + options.report_file);
        }
    }

    simulator::ProgressSink sink;
    auto progress = std::make_shared<Progress>(run->devices);
    if (::isatty(STDERR_FILENO) == 1) {
        sink = [progress](const simulator::RunStats& stats, std::chrono::milliseconds elapsed) {
            (*progress)(stats, elapsed);
        };
    }
    const simulator::RunResult result = simulator::run_simulation(*run, *uplink, sink);
    progress->end();

    const bool with_ota = !run->ota_url.empty();
    const auto checks = simulator::check_slos(*slos, result, with_ota);
    std::cout << simulator::summary_text(result, checks, with_ota);
    if (report_stream.is_open()) {
        report_stream << simulator::report_json(*run, result, checks).dump(2) << '\n';
        report_stream.close();
        if (!report_stream) {
            std::cerr << "xiaozhi simulate-device: cannot write the report to "
                      << options.report_file << '\n';
            return exit_runtime;
        }
    }
    if (!flush_stdout()) return exit_runtime;
    if (result.figures[simulator::Counter::hello_ok] == 0) return exit_runtime;
    for (const auto& check : checks) {
        if (!check.outcome.met) return exit_findings;
    }
    return exit_ok;
}

}  // namespace xiaozhi::cli
