#include "tests/support/wal_file.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace agritrace::testing {

std::string newest_wal(const std::string& dir) {
  std::string best;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    const std::string p = f.path().string();
    if (p.ends_with(".log") && p > best) best = p;
  }
  REQUIRE(!best.empty());
  return best;
}

void flip_byte(const std::string& file, std::streamoff at, char mask) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f.good());
  f.seekg(at);
  char c = 0;
  f.get(c);
  f.seekp(at);
  f.put(static_cast<char>(c ^ mask));
}

}  // namespace agritrace::testing
