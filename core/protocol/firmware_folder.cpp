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
        if (it->is_regular_file(type_error)) names.push_back(it->path().filename().string());
    }
    return names;
}

}  // namespace xiaozhi::protocol
