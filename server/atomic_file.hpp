// Durable file writes: a temporary file, fsync, rename over the target, fsync of the folder.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::server {

// Writes `content` to `path` so that a reader (or a crash) sees either the old file or
// the whole new one: a temporary file beside it ("." + name + ".tmp-XXXXXX"), fsync,
// rename, fsync of the folder. The folder must exist. On failure the temporary file is
// removed and std::runtime_error names the path and the system error.
void write_file_atomically(const std::string& path, std::string_view content);

// Renames `from` to `to` (same folder or file system) after an fsync of `from`, then
// fsyncs the folder of `to`. Throws std::runtime_error; `from` is left in place then.
void rename_durably(const std::string& from, const std::string& to);

// A new file "." + prefix + "-XXXXXX" in `directory` holding `content`, fsynced; its path.
// Names starting with '.' are never listed or served as firmware. Throws std::runtime_error.
std::string write_temporary_file(const std::string& directory, std::string_view prefix,
                                 std::string_view content);

}  // namespace xiaozhi::server
