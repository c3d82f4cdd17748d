#pragma once
// Output files are written whole or not at all: content goes to a temporary file beside the
// target, which is renamed over it only when complete. A failed command leaves no partial file.
#include <functional>
#include <ostream>
#include <string>

namespace dnntune {

// Writes `content` to `path` atomically. Throws InputError(path, ...) when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& content);

// Streams into a temporary file via `writer`, then renames it to `path`. If `writer` throws,
// the temporary file is removed and the exception propagates.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& writer);

}  // namespace dnntune
