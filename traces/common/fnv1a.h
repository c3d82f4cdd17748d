#pragma once
// FNV-1a, 64 bit: a stable hash of bytes, independent of build order and platform (seeds for
// stripped weights, content hashes of traces for provenance).
#include <cstdint>
#include <string>

namespace dnntune {

inline uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace dnntune
