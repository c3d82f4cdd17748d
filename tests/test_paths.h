#pragma once
// Where tests find their data. Tests that need ../shared call DNNTUNE_REQUIRE_SHARED() first:
// it skips the test with a clear message when ../shared is absent (a fresh clone).
#include <gtest/gtest.h>
#include <string>

namespace dnntune::test {

std::string source_dir();                            // the project root
std::string shared_dir();                            // <root>/../shared, or "" when absent
std::string test_data(const std::string& relative);  // <root>/tests/data/<relative>

}  // namespace dnntune::test

#define DNNTUNE_REQUIRE_SHARED()                                                     \
  do {                                                                               \
    if (::dnntune::test::shared_dir().empty())                                       \
      GTEST_SKIP() << "../shared is absent (fresh clone): this test needs its data"; \
  } while (0)
