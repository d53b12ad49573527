// Firmware uploads: target parsing, SHA-256 and image magic checks, atomic rename into the folder.
#include "firmware_upload.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "error_response.hpp"
#include "log_event.hpp"
#include "protocol/crypto.hpp"
#include "protocol/firmware_catalog.hpp"
#include "protocol/version_number.hpp"

namespace xiaozhi::server {

namespace {

constexpr std::string_view kPartPrefix = ".upload-";
constexpr std::string_view kPartSuffix = ".part";

// The pid in ".upload-<pid>-<n>.part", or 0 when `name` is not such a name.
pid_t part_file_pid(std::string_view name) {
    if (!name.starts_with(kPartPrefix) || !name.ends_with(kPartSuffix)) return 0;
    name.remove_prefix(kPartPrefix.size());
    long pid = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (error != std::errc{} || end == name.data() || *end != '-' || pid <= 0) return 0;
    return static_cast<pid_t>(pid);
}

bool process_alive(pid_t pid) {
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

// Removes the uploaded temporary file when the upload does not end in its rename.
class TemporaryUpload {
  public:
    explicit TemporaryUpload(std::string path) : path_(std::move(path)) {}
    ~TemporaryUpload() {
        if (path_.empty()) return;
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    TemporaryUpload(const TemporaryUpload&) = delete;
    TemporaryUpload& operator=(const TemporaryUpload&) = delete;

    const std::string& path() const { return path_; }
    void release() { path_.clear(); }

  private:
    std::string path_;
};

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool is_sha256_hex(std::string_view text) {
    if (text.size() != 64) return false;
    for (const char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

bool starts_with_image_magic(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char first = 0;
    return in.get(first) && static_cast<unsigned char>(first) == esp32_image_magic;
}

HttpResponse checked_and_stored(const HttpRequest& request, const FirmwareTarget& target,
                                const std::string& firmware_dir, TemporaryUpload& upload) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(upload.path(), error);
    if (error) return error_response(500, "cannot read the upload: " + error.message());
    if (size == 0) return error_response(400, "the upload is empty");

    const std::string expected = lower(request.header("X-Content-SHA256"));
    if (!expected.empty() && !is_sha256_hex(expected)) {
        return error_response(400, "X-Content-SHA256 must be 64 hexadecimal digits");
    }
    const std::optional<protocol::Sha256Digest> digest = protocol::sha256_file(upload.path());
    if (!digest) return error_response(500, "cannot read the upload");
    const std::string actual = protocol::hex_encode(*digest);
    if (!expected.empty() && expected != actual) {
        return error_response(422, "SHA-256 mismatch: the upload is " + actual +
                                       ", X-Content-SHA256 says " + expected);
    }
    if (request.header("X-No-Image-Check") != "1" && !starts_with_image_magic(upload.path())) {
        return error_response(422,
                              "not an ESP32 application image (the first byte is not 0xE9); "
                              "send X-No-Image-Check: 1 to store it anyway");
    }
    const std::string name = protocol::firmware_file_name(target.model, target.version);
    const std::string destination = (std::filesystem::path(firmware_dir) / name).string();
    rename_durably(upload.path(), destination);
    upload.release();
    log_info("firmware_stored", "firmware stored",
             {{"file", name}, {"size", size}, {"sha256", actual}});
    HttpResponse response = json_response(
        201, nlohmann::json{{"file", name}, {"size", size}, {"sha256", actual}}.dump());
    response.set_header("Location", "/xiaozhi/ota/download/" + name);
    return response;
}

}  // namespace

std::optional<FirmwareTarget> parse_firmware_target(std::string_view rest, std::string& error) {
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
        error = "expected firmware/<model>/<version>";
        return std::nullopt;
    }
    FirmwareTarget target{percent_decode(rest.substr(0, slash)),
                          percent_decode(rest.substr(slash + 1))};
    if (!protocol::is_valid_model_name(target.model)) {
        error = "invalid model name: letters, digits, '-', '_' and '.' only";
        return std::nullopt;
    }
    if (!protocol::is_dotted_version(target.version)) {
        error = "invalid version: dotted numbers only, like 1.6.2";
        return std::nullopt;
    }
    return target;
}

std::string new_upload_part_path(const std::string& dir) {
    static std::atomic<unsigned> counter{0};
    return (std::filesystem::path(dir) /
            (std::string(kPartPrefix) + std::to_string(::getpid()) + "-" +
             std::to_string(counter++) + std::string(kPartSuffix)))
        .string();
}

std::vector<std::string> remove_upload_leftovers(const std::string& dir) {
    std::vector<std::string> removed;
    std::error_code error;
    std::filesystem::directory_iterator it(dir, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        const std::string name = it->path().filename().string();
        const pid_t pid = part_file_pid(name);
        if (pid == 0 || (pid != ::getpid() && process_alive(pid))) continue;
        std::error_code remove_error;
        if (std::filesystem::remove(it->path(), remove_error)) removed.push_back(name);
    }
    return removed;
}

HttpResponse store_firmware_upload(const HttpRequest& request, const FirmwareTarget& target,
                                   const std::string& firmware_dir) {
    std::string path = request.body_file;
    try {
        if (path.empty()) {
            std::filesystem::create_directories(firmware_dir);
            path = write_temporary_file(firmware_dir, "upload", request.body);
        }
    } catch (const std::exception& failure) {
        return error_response(500, std::string("cannot store the upload: ") + failure.what());
    }
    TemporaryUpload upload(path);
    try {
        return checked_and_stored(request, target, firmware_dir, upload);
    } catch (const std::exception& failure) {
        log_error(
            "firmware_upload_failed", "firmware upload failed",
            {{"model", target.model}, {"version", target.version}, {"error", failure.what()}});
        return error_response(500, std::string("cannot store the firmware: ") + failure.what());
    }
}

}  // namespace xiaozhi::server
