// FirmwareListing: one listing of the firmware folder shared by the OTA checks of a second.
#include "firmware_listing.hpp"

#include <utility>

#include "protocol/firmware_catalog.hpp"

namespace xiaozhi::server {

FirmwareListing::Names FirmwareListing::names(const std::string& directory) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (!names_ || directory != directory_ || now - listed_at_ >= max_age_) {
        names_ = std::make_shared<const std::vector<std::string>>(
            protocol::list_firmware_folder(directory));
        directory_ = directory;
        listed_at_ = now;
    }
    return names_;
}

void FirmwareListing::invalidate() {
    std::lock_guard lock(mutex_);
    names_.reset();
}

}  // namespace xiaozhi::server
