#include "tests/events/test_ledgers.h"

#include <cstdlib>
#include <random>
#include <system_error>

namespace agritrace::testing {

std::string unique_suffix() {
  static const char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 16; ++i) s.push_back(kHex[rd() % 16]);
  return s;
}

TempDir::TempDir()
    : path_(std::filesystem::temp_directory_path() / ("agritrace-test-" + unique_suffix())) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;  // best effort: a leftover temp dir must not fail a test
  std::filesystem::remove_all(path_, ec);
}

std::string test_kafka_brokers() {
  const char* v = std::getenv("AGRITRACE_TEST_KAFKA");
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace agritrace::testing
