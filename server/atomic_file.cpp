// Durable file writes through POSIX calls: mkstemp, write, fsync, rename and a folder fsync.
#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace xiaozhi::server {

namespace {

std::runtime_error system_error(std::string_view what, const std::string& path) {
    return std::runtime_error(std::string(what) + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view content, const std::string& path) {
    while (!content.empty()) {
        const ssize_t written = ::write(fd, content.data(), content.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) throw system_error("cannot write", path);
        content.remove_prefix(static_cast<std::size_t>(written));
    }
}

void sync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw system_error("cannot open", path);
    const int result = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    errno = saved;
    if (result != 0) throw system_error("cannot fsync", path);
}

std::string folder_of(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

// Creates the temporary file from `pattern` (ending in XXXXXX), writes and fsyncs it.
void create_synced(std::string& pattern, std::string_view content) {
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw system_error("cannot create a temporary file like", pattern);
    try {
        write_all(fd, content, pattern);
        if (::fsync(fd) != 0) throw system_error("cannot fsync", pattern);
    } catch (...) {
        ::close(fd);
        ::unlink(pattern.c_str());
        throw;
    }
    if (::close(fd) != 0) {
        ::unlink(pattern.c_str());
        throw system_error("cannot close", pattern);
    }
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
    const std::filesystem::path target(path);
    std::string temporary =
        (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    create_synced(temporary, content);
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::runtime_error error = system_error("cannot rename a temporary file to", path);
        ::unlink(temporary.c_str());
        throw error;
    }
    sync_path(folder_of(path), O_RDONLY | O_DIRECTORY);
}

void rename_durably(const std::string& from, const std::string& to) {
    sync_path(from, O_RDONLY);
    if (::rename(from.c_str(), to.c_str()) != 0) throw system_error("cannot rename to", to);
    sync_path(folder_of(to), O_RDONLY | O_DIRECTORY);
}

std::string write_temporary_file(const std::string& directory, std::string_view prefix,
                                 std::string_view content) {
    std::string path =
        (std::filesystem::path(directory) / ("." + std::string(prefix) + "-XXXXXX")).string();
    create_synced(path, content);
    return path;
}

}  // namespace xiaozhi::server
