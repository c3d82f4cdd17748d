#include "traces/common/atomic_file.h"

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "traces/common/error.h"

namespace dnntune {

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& writer) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw InputError(path, "cannot open for writing");
      writer(out);
      out.flush();
      if (!out) throw InputError(path, "write failed (disk full?)");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw InputError(path, "cannot replace file: " + ec.message());
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  write_file_atomically(path, [&](std::ostream& out) { out << content; });
}

}  // namespace dnntune
