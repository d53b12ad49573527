// The firmware folder's file names for the OTA checks, listed again at most once a second.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace xiaozhi::server {

// Every OTA check needs the names in settings.firmware_dir; listing the folder for each
// one costs a system call or three per request. A listing is reused for `max_age`, so a
// file copied into the folder is offered within that time; an upload through the admin API
// calls invalidate() and is offered at once. Thread-safe.
class FirmwareListing {
  public:
    using Names = std::shared_ptr<const std::vector<std::string>>;

    explicit FirmwareListing(std::chrono::steady_clock::duration max_age = std::chrono::seconds(1))
        : max_age_(max_age) {}

    // The names of the regular files in `directory` (empty when it is missing), from a
    // listing of that directory at most max_age old, or listed now.
    Names names(const std::string& directory);
    // The next names() lists the folder again.
    void invalidate();

  private:
    const std::chrono::steady_clock::duration max_age_;
    std::mutex mutex_;
    std::string directory_;
    std::chrono::steady_clock::time_point listed_at_{};
    Names names_;
};

}  // namespace xiaozhi::server
