// Test helpers for ledger tests: unique names, temporary directories, the test broker address.
#pragma once

#include <filesystem>
#include <string>

namespace agritrace::testing {

// 16 random hex chars, for topic names, transactional ids and directories.
std::string unique_suffix();

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// AGRITRACE_TEST_KAFKA (e.g. 127.0.0.1:19092), or empty when unset.
std::string test_kafka_brokers();

}  // namespace agritrace::testing
