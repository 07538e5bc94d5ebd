// `serve --clock-offset-days/--clock-start`: refused unless AGRITRACE_ALLOW_TEST_CLOCK=1, and when
// allowed, the server's clock (GET /healthz "clock", the instants the writer records) is the
// moved one.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "core/base/civil_time.h"
#include "events/env/posix_env.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// Sets (or unsets) an environment variable of this process for one scope; children inherit it.
class ScopedEnvVar {
 public:
  ScopedEnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnvVar() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string platform_day_plus(int32_t days) {
  const core::Date today = events::posix_env().today();
  return core::format_date(core::Date{today.days_since_epoch + days});
}

// GET /healthz: its platform day is today + `days` (read before and after the request, in case the
// day turns meanwhile) and it says whether a test clock is set.
Reply healthz_on_day(const ServerProcess& server, int32_t days, bool test_clock) {
  const std::string before = platform_day_plus(days);
  Reply h = ApiClient(server.port()).get("/healthz");
  const std::string after = platform_day_plus(days);
  REQUIRE(h.status == 200);
  CHECK((h.str("/clock/today") == before || h.str("/clock/today") == after));
  CHECK(h.body.find(test_clock ? "\"test_clock\":true" : "\"test_clock\":false") != std::string::npos);
  return h;
}

TEST_CASE("serve refuses a test clock unless AGRITRACE_ALLOW_TEST_CLOCK=1") {
  TempDir dir;
  for (const char* value : {static_cast<const char*>(nullptr), "0", "yes"}) {
    ScopedEnvVar allow("AGRITRACE_ALLOW_TEST_CLOCK", value);
    for (auto flag : {std::vector<std::string>{"--clock-offset-days", "400"},
                      std::vector<std::string>{"--clock-start", "2031-01-01T00:00:00Z"}}) {
      std::vector<std::string> args{"serve", "--data", dir.path(), "--listen", "127.0.0.1:0"};
      args.insert(args.end(), flag.begin(), flag.end());
      RunResult r = run_agritrace(args, true);
      INFO(r.out);
      CHECK(r.exit_code == 2);
      CHECK(r.out.find("AGRITRACE_ALLOW_TEST_CLOCK=1") != std::string::npos);
      CHECK(r.out.find("listening") == std::string::npos);
    }
  }
  // Allowed, but malformed or both at once: still exit code 2, before anything starts.
  ScopedEnvVar allow("AGRITRACE_ALLOW_TEST_CLOCK", "1");
  CHECK(run_agritrace({"serve", "--data", dir.path(), "--listen", "127.0.0.1:0", "--clock-offset-days", "soon"}, true).exit_code == 2);
  CHECK(run_agritrace({"serve", "--data", dir.path(), "--listen", "127.0.0.1:0", "--clock-start", "2031-01-01"}, true).exit_code == 2);
  CHECK(run_agritrace({"serve", "--data", dir.path(), "--listen", "127.0.0.1:0", "--clock-offset-days", "1", "--clock-start",
                       "2031-01-01T00:00:00Z"}, true).exit_code == 2);
  // --help documents both flags and the gate.
  RunResult help = run_agritrace({"serve", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--clock-offset-days") != std::string::npos);
  CHECK(help.out.find("--clock-start") != std::string::npos);
  CHECK(help.out.find("AGRITRACE_ALLOW_TEST_CLOCK=1") != std::string::npos);
}

TEST_CASE("healthz reports the real clock when no test clock is set") {
  TempDir dir;
  ServerProcess server({"--data", dir.path()}, ServerClock::kWallClock);
  server.start();
  Reply h = healthz_on_day(server, 0, false);
  CHECK(core::parse_rfc3339(h.str("/clock/now"), "now").ok());
  CHECK(server.stop() == 0);
}

TEST_CASE("serve --clock-offset-days moves the server's clock and the writer's instants") {
  ScopedEnvVar allow("AGRITRACE_ALLOW_TEST_CLOCK", "1");
  TempDir dir;
  ServerProcess server({"--data", dir.path(), "--clock-offset-days", "400"});
  server.start();
  Reply h = healthz_on_day(server, 400, true);
  auto now = core::parse_rfc3339(h.str("/clock/now"), "now");
  REQUIRE(now.ok());
  const int64_t ahead_ms = *now - events::posix_env().now_ms();
  CHECK(ahead_ms > 399 * 86'400'000LL);
  CHECK(ahead_ms < 401 * 86'400'000LL);
  CHECK(server.stop() == 0);
}

TEST_CASE("serve --clock-start starts the clock at the instant given, commands are recorded then") {
  ScopedEnvVar allow("AGRITRACE_ALLOW_TEST_CLOCK", "1");
  TempDir dir;
  // 2031-12-31 23:59 in Shanghai is 15:59 UTC: the platform day is the 31st, a year boundary away.
  ServerProcess server({"--data", dir.path(), "--clock-start", "2031-12-31T15:59:00Z"});
  server.start();
  Reply h = ApiClient(server.port()).get("/healthz");
  REQUIRE(h.status == 200);
  CHECK(h.str("/clock/now").starts_with("2031-12-31T15:"));
  CHECK(h.str("/clock/today") == "2031-12-31");
  CHECK(h.body.find("\"test_clock\":true") != std::string::npos);
  // The writer takes the same clock: the audit trail records the command at the test instant.
  register_enterprise(server.port(), kFarmUscc, "绿源农场");
  Reply audit = ApiClient(server.port(), kAdminKey).get(std::string("/v1/audit?tenant=") + kFarmUscc);
  INFO(audit.body);
  REQUIRE(audit.status == 200);
  CHECK(audit.str("/records/0/operation") == "register_enterprise");
  CHECK(audit.str("/records/0/at").starts_with("2031-12-31T15:"));
  CHECK(server.stop() == 0);
}

}  // namespace
}  // namespace agritrace::testing
