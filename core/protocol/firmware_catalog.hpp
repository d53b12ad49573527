// Firmware files `<model>_<version>.bin`: which one to offer a device, and which names are safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/version_number.hpp"

namespace xiaozhi::protocol {

// A firmware file found in the firmware folder.
struct FirmwareFile {
    std::string file_name;  // "bread-compact-wifi_1.6.2.bin"
    std::string model;      // "bread-compact-wifi"
    std::string version;    // "1.6.2"

    bool operator==(const FirmwareFile&) const = default;
};

// Whether `name` is a bare file name fit to serve for download: not empty, at most
// 255 bytes, no '/', '\\' or NUL, no "..", not starting with '.', no control characters.
bool is_bare_file_name(std::string_view name);

// Whether `model` can name firmware files: 1-64 bytes of ASCII letters, digits,
// '-', '_' and '.', not starting with '.' and without "..".
bool is_valid_model_name(std::string_view model);

// `<model>_<version>.bin` split at its last '_', or nullopt when the name is not
// bare, the model invalid, or the version not dotted numeric.
std::optional<FirmwareFile> parse_firmware_file_name(std::string_view name);

// The file name for a model and version: "<model>_<version>.bin".
std::string firmware_file_name(std::string_view model, std::string_view version);

// Among `file_names` (a folder listing), the firmware for `model` with the highest
// version strictly above `device_version`; nullopt when there is none, when the
// model is invalid, or when the device version is not dotted numeric (no safe
// comparison). Names of other models and names that do not parse are ignored.
std::optional<FirmwareFile> choose_firmware(const std::vector<std::string>& file_names,
                                            std::string_view model,
                                            std::string_view device_version);

// The names of the regular files directly in `directory` (the only function here
// that touches the file system). A missing or unreadable folder is an empty list:
// then no firmware is offered. Never throws.
std::vector<std::string> list_firmware_folder(const std::string& directory);

}  // namespace xiaozhi::protocol
