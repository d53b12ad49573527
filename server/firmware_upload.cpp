// Firmware uploads: target parsing, SHA-256 and image magic checks, atomic rename into the folder.
#include "firmware_upload.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "error_response.hpp"
#include "protocol/crypto.hpp"
#include "protocol/firmware_catalog.hpp"
#include "protocol/version_number.hpp"

namespace xiaozhi::server {

namespace {

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
    spdlog::info("firmware stored file={} size={} sha256={}", name, size, actual);
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
        spdlog::error("firmware upload failed model={} version={} error=\"{}\"", target.model,
                      target.version, failure.what());
        return error_response(500, std::string("cannot store the firmware: ") + failure.what());
    }
}

}  // namespace xiaozhi::server
