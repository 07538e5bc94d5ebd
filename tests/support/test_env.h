// Test support: temporary folders, the Kafka broker of ./scripts/test, and the real agritrace
// binary run as a child process on loopback.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api/http/http_client.h"

namespace agritrace::testing {

// A fresh folder under /tmp, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The broker address from AGRITRACE_TEST_KAFKA. Fails the calling test (not skips) when unset.
std::string kafka_brokers();
std::string kafka_brokers_or_empty();  // for tests that must work without a broker too
// The three-broker cluster's variables (AGRITRACE_TEST_KAFKA_CLUSTER, ..._DIR); fails when unset.
std::string cluster_env(const char* name);
// 16 random hex chars, for topic names, transactional ids and folders.
std::string unique_suffix();
std::string unique_name(const std::string& prefix);  // prefix-<suffix>

enum class Backend { kEmbedded, kKafka };
const char* backend_name(Backend b);

// Ledger flags for `agritrace serve|replay|verify` on the given backend. For Kafka, a topic of
// its own per TestLedger so that tests never see each other's events.
struct TestLedger {
  explicit TestLedger(Backend b);
  Backend backend;
  TempDir data;
  TempDir keys;  // the personal-data keys, outside the data folder
  std::string topic;
  std::vector<std::string> flags() const;  // --data ... --pii-key-dir ... [--kafka ... --topic ...]
};

inline constexpr const char* kAdminKey = "test-admin-key-0123456789abcdef";

// `agritrace serve` on 127.0.0.1 with an ephemeral port, on the test clock (`--clock-start`, see
// tests/support/test_clock.h; AGRITRACE_ALLOW_TEST_CLOCK=1 in its environment). start() returns once the server has
// printed its listening line (read from its stdout pipe: no sleeping, no polling).
enum class ServerClock {
  kTestClock,  // the default: `--clock-start` on the test clock, unless `flags` set a clock themselves
  kWallClock,  // the real clock, no test-clock flag and no AGRITRACE_ALLOW_TEST_CLOCK
};

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> flags, ServerClock clock = ServerClock::kTestClock);
  ~ServerProcess();  // SIGKILL if still running
  void start();
  void kill_hard();  // SIGKILL, like a crash
  int stop();        // SIGTERM, waits; returns the exit status
  uint16_t port() const { return port_; }
  api::HttpClient client() const;

 private:
  std::vector<std::string> flags_;
  ServerClock clock_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Runs the agritrace binary to completion; returns its exit code and stdout.
struct RunResult {
  int exit_code = -1;
  std::string out;
};
RunResult run_agritrace(const std::vector<std::string>& args, bool with_stderr = false);
// Runs any program (argv[0] is a path), with extra environment variables "K=V".
RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                      bool with_stderr = false);

}  // namespace agritrace::testing
