// Firmware file naming, name safety checks and the choice of the newest firmware for a device.
#include "protocol/firmware_catalog.hpp"

namespace xiaozhi::protocol {

namespace {

constexpr std::string_view kExtension = ".bin";

bool is_model_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_' || c == '.';
}

}  // namespace

bool is_bare_file_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '.') return false;
    if (name.find("..") != std::string_view::npos) return false;
    for (unsigned char c : name) {
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) return false;
    }
    return true;
}

bool is_valid_model_name(std::string_view model) {
    if (model.empty() || model.size() > 64 || model.front() == '.') return false;
    if (model.find("..") != std::string_view::npos) return false;
    for (char c : model) {
        if (!is_model_char(c)) return false;
    }
    return true;
}

std::optional<FirmwareFile> parse_firmware_file_name(std::string_view name) {
    if (!is_bare_file_name(name) || name.size() <= kExtension.size() ||
        name.substr(name.size() - kExtension.size()) != kExtension) {
        return std::nullopt;
    }
    const std::string_view stem = name.substr(0, name.size() - kExtension.size());
    const std::size_t separator = stem.rfind('_');
    if (separator == std::string_view::npos) return std::nullopt;
    const std::string_view model = stem.substr(0, separator);
    const std::string_view version = stem.substr(separator + 1);
    if (!is_valid_model_name(model) || !is_dotted_version(version)) return std::nullopt;
    return FirmwareFile{std::string(name), std::string(model), std::string(version)};
}

std::string firmware_file_name(std::string_view model, std::string_view version) {
    return std::string(model) + "_" + std::string(version) + std::string(kExtension);
}

std::optional<FirmwareFile> choose_firmware(const std::vector<std::string>& file_names,
                                            std::string_view model,
                                            std::string_view device_version) {
    const std::optional<VersionNumber> current = parse_version(device_version);
    if (!current || !is_valid_model_name(model)) return std::nullopt;
    std::optional<FirmwareFile> best;
    VersionNumber best_version = *current;
    for (const std::string& name : file_names) {
        std::optional<FirmwareFile> file = parse_firmware_file_name(name);
        if (!file || file->model != model) continue;
        VersionNumber version = *parse_version(file->version);
        // Ties between equal versions ("1.2" and "1.2.0") go to the smaller name, so
        // the choice does not depend on the listing order.
        const int order = compare_versions(version, best_version);
        if (order > 0 || (order == 0 && best && file->file_name < best->file_name)) {
            best_version = std::move(version);
            best = std::move(file);
        }
    }
    return best;
}

}  // namespace xiaozhi::protocol
