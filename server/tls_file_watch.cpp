// stamp_tls_files: stat(2) of every certificate and key file.
#include "tls_file_watch.hpp"

#include <sys/stat.h>

namespace xiaozhi::server {

namespace {

FileStamp stamp(const std::string& path) {
    FileStamp out;
    out.path = path;
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return out;
    out.exists = true;
    out.device = status.st_dev;
    out.inode = status.st_ino;
    out.size = status.st_size;
    out.modified_ns =
        static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
    return out;
}

}  // namespace

std::vector<FileStamp> stamp_tls_files(const TlsSettings& tls) {
    std::vector<FileStamp> out;
    if (!tls.configured()) return out;
    out.push_back(stamp(tls.main.cert));
    out.push_back(stamp(tls.main.key));
    for (const auto& files : tls.sni) {
        out.push_back(stamp(files.cert));
        out.push_back(stamp(files.key));
    }
    return out;
}

}  // namespace xiaozhi::server
