#include "tests/support/test_env.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "tests/support/test_clock.h"

namespace agritrace::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "agritrace-test-XXXXXX").string();
  char* p = ::mkdtemp(tmpl.data());
  REQUIRE(p != nullptr);
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  // `serve --data DIR` keeps its personal-data keys beside it ("DIR.keys"): key material is
  // never left behind in /tmp.
  std::filesystem::remove_all(path_ + ".keys", ec);
}

std::string kafka_brokers() {
  const char* env = std::getenv("AGRITRACE_TEST_KAFKA");
  if (env == nullptr || *env == '\0') {
    FAIL("AGRITRACE_TEST_KAFKA not set: run ./scripts/test (it starts a Kafka broker)");
  }
  return env;
}

std::string cluster_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    FAIL(std::string(name) << " not set: run ./scripts/test (it starts the three-broker cluster) or "
                 "scripts/kafka cluster-start DIR and export it");
  }
  return v;
}

std::string kafka_brokers_or_empty() {
  const char* env = std::getenv("AGRITRACE_TEST_KAFKA");
  return env == nullptr ? std::string() : std::string(env);
}

std::string unique_suffix() {
  // Unique, not secret: a PRNG per thread seeded once from the Env's CSPRNG.
  static thread_local events::SeededRandom rng(events::posix_env().random_seed());
  return fmt::format("{:016x}", rng.next());
}

std::string unique_name(const std::string& prefix) { return prefix + "-" + unique_suffix(); }

const char* backend_name(Backend b) { return b == Backend::kEmbedded ? "embedded" : "kafka"; }

TestLedger::TestLedger(Backend b) : backend(b) {
  if (b == Backend::kKafka) topic = unique_name("test-ledger");
}

std::vector<std::string> TestLedger::flags() const {
  std::vector<std::string> f{"--data", data.path(), "--pii-key-dir", keys.path()};
  if (backend == Backend::kKafka) {
    f.insert(f.end(), {"--kafka", kafka_brokers(), "--topic", topic});
  }
  return f;
}

namespace {

// In a forked child: stdout (and stderr with `with_stderr`) into the pipe `out`, the variables
// "K=V" of `env` set, then argv[0] runs with argv; 127 if it cannot.
[[noreturn]] void exec_child(const int out[2], bool with_stderr, const std::vector<std::string>& env,
                             std::vector<std::string> argv) {
  ::dup2(out[1], STDOUT_FILENO);
  if (with_stderr) ::dup2(out[1], STDERR_FILENO);
  ::close(out[0]);
  ::close(out[1]);
  for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> flags, ServerClock clock)
    : flags_(std::move(flags)), clock_(clock) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
}

void ServerProcess::start() {
  REQUIRE(pid_ <= 0);
  int out[2];
  REQUIRE(::pipe(out) == 0);
  std::vector<std::string> args{AGRITRACE_BINARY, "serve", "--listen", "127.0.0.1:0"};
  // The server runs on the test clock (tests/support/test_clock.h): its "today" is test_today(),
  // and a restarted server resumes where the clock is now, never before an earlier start. A test
  // that passes its own --clock-* flag (or asks for the wall clock) keeps its choice.
  bool own_clock = false;
  for (const std::string& f : flags_) own_clock = own_clock || f == "--clock-start" || f == "--clock-offset-days";
  const bool test_clock = clock_ == ServerClock::kTestClock && !own_clock;
  if (test_clock) args.insert(args.end(), {"--clock-start", test_now_rfc3339()});
  args.insert(args.end(), flags_.begin(), flags_.end());
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    std::vector<std::string> env{std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey};
    if (clock_ == ServerClock::kTestClock) env.emplace_back("AGRITRACE_ALLOW_TEST_CLOCK=1");
    exec_child(out, false, env, std::move(args));
  }
  ::close(out[1]);
  // The first line on stdout is "agritrace: listening on http://127.0.0.1:PORT (...)".
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  ::close(out[0]);
  const std::string marker = "listening on http://127.0.0.1:";
  const size_t at = line.find(marker);
  INFO("server said: ", line);
  REQUIRE_MESSAGE(at != std::string::npos, "the server did not start (see its stderr above)");
  port_ = static_cast<uint16_t>(std::stoi(line.substr(at + marker.size())));
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

api::HttpClient ServerProcess::client() const { return api::HttpClient("127.0.0.1", port_); }

RunResult run_program(const std::vector<std::string>& argv_in, const std::vector<std::string>& env,
                      bool with_stderr) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) exec_child(out, with_stderr, env, argv_in);
  ::close(out[1]);
  RunResult r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

RunResult run_agritrace(const std::vector<std::string>& args, bool with_stderr) {
  std::vector<std::string> all{AGRITRACE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  return run_program(all, {}, with_stderr);
}

}  // namespace agritrace::testing
