// Reading and atomically writing snapshot and runtime-registry (ports.json) files.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "config/input_error.hpp"
#include "config/text_positions.hpp"
#include "host/snapshot.hpp"

namespace xiaozhi::host {

namespace {

constexpr std::size_t max_json_bytes = 64 * 1024 * 1024;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
    throw config::InputError(config::Position{path, 0, 0}, message);
}

std::string read_whole_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, std::string("cannot read: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        fail(path, "cannot read: not a regular file");
    }
    if (static_cast<std::size_t>(info.st_size) > max_json_bytes) {
        ::close(fd);
        fail(path, "file is larger than " + std::to_string(max_json_bytes) + " bytes");
    }
    std::string content;
    char buffer[65536];
    while (true) {
        ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int error = errno;
            ::close(fd);
            fail(path, std::string("cannot read: ") + std::strerror(error));
        }
        if (got == 0) break;
        content.append(buffer, static_cast<std::size_t>(got));
        if (content.size() > max_json_bytes) {
            ::close(fd);
            fail(path, "file is larger than " + std::to_string(max_json_bytes) + " bytes");
        }
    }
    ::close(fd);
    return content;
}

nlohmann::json parse_json_file(const std::string& path) {
    std::string content = read_whole_file(path);
    try {
        return nlohmann::json::parse(content);
    } catch (const nlohmann::json::parse_error& error) {
        std::string what = error.what();
        std::size_t detail = what.find(": ", what.find("parse error"));
        std::string message = detail == std::string::npos ? what : what.substr(detail + 2);
        std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        throw config::InputError(config::TextPositions(content, path).at_offset(offset),
                                 "invalid JSON: " + message);
    }
}

void write_all(int fd, const std::string& content) {
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) throw std::system_error(errno, std::generic_category());
        done += static_cast<std::size_t>(wrote);
    }
}

// Temporary file in the target's directory, fsync, rename, fsync of the directory.
void write_file_atomically(const std::string& path, const std::string& content) {
    std::filesystem::path target(path);
    std::filesystem::path directory = target.parent_path().empty() ? "." : target.parent_path();
    std::string pattern = (directory / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
    std::vector<char> temporary(pattern.begin(), pattern.end());
    temporary.push_back('\0');
    int fd = ::mkstemp(temporary.data());
    if (fd < 0) fail(path, std::string("cannot write: ") + std::strerror(errno));
    try {
        write_all(fd, content);
        if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
            throw std::system_error(errno, std::generic_category());
        }
        if (::close(fd) != 0) {
            fd = -1;
            throw std::system_error(errno, std::generic_category());
        }
        fd = -1;
        if (::rename(temporary.data(), path.c_str()) != 0) {
            throw std::system_error(errno, std::generic_category());
        }
    } catch (const std::system_error& error) {
        if (fd >= 0) ::close(fd);
        ::unlink(temporary.data());
        fail(path, std::string("cannot write: ") + std::strerror(error.code().value()));
    }
    int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd >= 0) {
        ::fsync(directory_fd);
        ::close(directory_fd);
    }
}

// Indented JSON; bytes that are not UTF-8 (command lines may hold any) become U+FFFD.
std::string pretty(const nlohmann::json& value) {
    return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

Snapshot read_snapshot_file(const std::string& path) {
    return from_json(parse_json_file(path), path);
}

void write_snapshot_file(const Snapshot& snapshot, const std::string& path) {
    write_file_atomically(path, pretty(to_json(snapshot)));
}

Instance read_instance_file(const std::string& path) {
    return instance_from_json(parse_json_file(path), path);
}

void write_instance_file(const Instance& instance, const std::string& path) {
    write_file_atomically(path, pretty(instance_to_json(instance)));
}

}  // namespace xiaozhi::host
