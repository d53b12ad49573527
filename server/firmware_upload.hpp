// PUT /xiaozhi/admin/firmware/<model>/<version>: checking an uploaded image and storing it
// atomically.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_message.hpp"

namespace xiaozhi::server {

// Largest firmware image accepted (ESP32 app partitions are a few MiB).
inline constexpr std::size_t firmware_upload_limit = 32 * 1024 * 1024;

// The first byte of an ESP32 application image.
inline constexpr unsigned char esp32_image_magic = 0xE9;

// A fresh name for an upload being received: <dir>/.upload-<pid>-<n>.part.
std::string new_upload_part_path(const std::string& dir);

// Removes the .upload-<pid>-<n>.part files in `dir` that no running process is
// writing (their pid is gone or is this process's: a crash's leftovers, a restart's
// leftovers); returns the names removed.
std::vector<std::string> remove_upload_leftovers(const std::string& dir);

struct FirmwareTarget {
    std::string model;
    std::string version;
};

// "<model>/<version>" from the path after ".../firmware/", percent-decoded: a model
// that can name files (protocol::is_valid_model_name) and a dotted numeric version.
// nullopt with `error` set otherwise.
std::optional<FirmwareTarget> parse_firmware_target(std::string_view rest, std::string& error);

// Checks the upload (request.body_file, or request.body when it was not streamed):
// not empty, X-Content-SHA256 (hex) when sent, the ESP32 image magic unless
// `X-No-Image-Check: 1`; then renames it to `firmware_dir`/<model>_<version>.bin
// (fsync of file and folder; an existing file of that name is replaced). 201 with
// {"file", "size", "sha256"}; 400/422 with {"error"} otherwise, 500 when the disk
// fails. The uploaded temporary file never outlives the call.
HttpResponse store_firmware_upload(const HttpRequest& request, const FirmwareTarget& target,
                                   const std::string& firmware_dir);

}  // namespace xiaozhi::server
