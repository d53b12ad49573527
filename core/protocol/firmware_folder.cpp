// Listing the firmware folder: the one place protocol/ reads the file system.
#include <filesystem>

#include "protocol/firmware_catalog.hpp"

namespace xiaozhi::protocol {

std::vector<std::string> list_firmware_folder(const std::string& directory) {
    std::vector<std::string> names;
    std::error_code error;
    std::filesystem::directory_iterator it(directory, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        std::error_code type_error;
        // Symbolic links are not offered: they may lead out of the folder.
        if (it->symlink_status(type_error).type() == std::filesystem::file_type::regular) {
            names.push_back(it->path().filename().string());
        }
    }
    return names;
}

}  // namespace xiaozhi::protocol
