// The state of the certificate files on disk, to notice a renewal (certbot, acme.sh).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "settings.hpp"

namespace xiaozhi::server {

// One file as stat(2) sees it through symbolic links (certbot's live/ links).
struct FileStamp {
    std::string path;
    bool exists = false;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    std::int64_t modified_ns = 0;

    bool operator==(const FileStamp&) const = default;
};

// Every certificate and key file of `tls`, in a fixed order.
std::vector<FileStamp> stamp_tls_files(const TlsSettings& tls);

}  // namespace xiaozhi::server
