// `agritrace demo` against a test server: the chain's dates follow the server's clock (so the
// demo works on any day, and in the time-travel run of ./scripts/test a long way ahead), every
// curl line it prints works when pasted into a shell, and a failed step is named on stderr.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "devices/sim/zpl_printer_sim.h"
#include "events/env/posix_env.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

RunResult run_demo(uint16_t port, const std::string& printer = {}) {
  std::vector<std::string> argv{AGRITRACE_BINARY, "demo", "--url", fmt::format("http://127.0.0.1:{}", port)};
  if (!printer.empty()) {
    argv.push_back("--printer");
    argv.push_back(printer);
  }
  return run_program(argv, {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, s.find_last_not_of(' ') - a + 1);
}

// The lines of the demo's output a user would paste: those that start with "curl ".
std::vector<std::string> curl_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.starts_with("curl ")) lines.push_back(line);
  }
  return lines;
}

std::string api_key_of(const std::string& out, const char* role) {
  const size_t key_at = out.find("API key agk_", out.find(role));
  REQUIRE(key_at != std::string::npos);
  return out.substr(key_at + 8, out.find('\n', key_at) - key_at - 8);
}

void demo_on_the_test_clock(Backend backend) {
  TestApp app(backend);
  ApiClient anyone(app.port());
  Reply health = anyone.get("/healthz");
  REQUIRE(health.status == 200);
  CHECK(health.str("/clock/today") == test_today());  // the server runs on the test clock

  // As ./scripts/run does: a simulated label printer the demo registers on a packing line
  // (R-4.2.6); its curl lines start a print job and show it.
  devices::sim::ZplPrinterSim printer(events::posix_env());
  REQUIRE(printer.start().ok());
  RunResult demo = run_demo(app.port(), fmt::format("zpl:127.0.0.1:{}", printer.port()));
  INFO(demo.out);
  REQUIRE(demo.exit_code == 0);

  // The chain's dates are relative to the server's day: the plant packed yesterday, the pack
  // batch keeps 4 days, the farm's fertiliser came in 50 days ago.
  ApiClient plant(app.port(), api_key_of(demo.out, "Plant"));
  const size_t at = demo.out.find("after=");
  REQUIRE(at != std::string::npos);
  const std::string position = demo.out.substr(at + 6, demo.out.find('\'', at) - at - 6);
  Reply batch = plant.get("/v1/batches/b-1?wait_ms=20000&after=" + position);
  INFO(batch.body);
  REQUIRE(batch.status == 200);
  CHECK(batch.str("/production_date") == days_from_today(-1));
  CHECK(batch.str("/expiry_date") == days_from_today(3));
  ApiClient farm(app.port(), api_key_of(demo.out, "Farm"));
  Reply fert = farm.get("/v1/inventory/lot-1/movements?wait_ms=20000&after=" + position);
  INFO(fert.body);
  REQUIRE(fert.status == 200);
  CHECK(fert.str("/items/0/date") == days_from_today(-50));

  // Every printed curl line, run as printed by bash in a scratch folder. The only addition is a
  // `curl` function that reports each answer's status on stderr; a line's expected status is
  // 2xx unless its own comment names another ("# disabled: 410 Gone").
  const std::vector<std::string> lines = curl_lines(demo.out);
  CHECK(lines.size() == 17);
  TempDir scratch;
  const std::regex status_re("agritrace-curl-status ([0-9]{3})");
  const std::regex expected_re("# .*\\b([1-5][0-9]{2})\\b");
  for (const std::string& line : lines) {
    INFO("line: ", line);
    const std::string command = line.substr(0, line.find(" #"));
    size_t invocations = 0;
    for (size_t p = command.find("curl "); p != std::string::npos; p = command.find("curl ", p + 5)) ++invocations;
    const std::string script =
        "cd '" + scratch.path() +
        "' || exit 97\n"
        "curl() { command curl -w '%{stderr}agritrace-curl-status %{http_code}\\n' \"$@\"; }\n" +
        line + "\n";
    RunResult r = run_program({"/bin/bash", "-c", script}, {}, true);
    INFO("output: ", r.out.substr(0, 2000));
    CHECK(r.exit_code == 0);
    std::smatch expected;
    const bool named = std::regex_search(line, expected, expected_re);
    size_t answered = 0;
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), status_re); it != std::sregex_iterator(); ++it) {
      ++answered;
      const std::string status = (*it)[1].str();
      if (named) {
        CHECK(status == expected[1].str());
      } else {
        CHECK(status[0] == '2');
      }
    }
    CHECK(answered == invocations);
  }
  // The print job the pasted curl line started runs on the simulated printer: all 50 codes, once.
  CHECK(printer.wait_until([&] { return printer.printed().size() >= 50; }, 30'000));
  CHECK(printer.printed().size() == 50);
  CHECK(printer.max_prints_of_one_code() == 1);
}

// A step the server refuses: the demo exits non-zero and names the step and the answer.
void demo_names_a_failed_step(Backend backend) {
  TestApp app(backend);
  // The demo's farm already exists (registered without the demo's idempotency key).
  register_enterprise(app.port(), "93441322MA4W12345F", "博罗县绿源菜心种植专业合作社");
  RunResult demo = run_demo(app.port());
  INFO(demo.out);
  CHECK(demo.exit_code != 0);
  CHECK(demo.out.find("step enterprise: POST /v1/enterprises answered 409") != std::string::npos);
  CHECK(demo.out.find("Demo chain seeded") == std::string::npos);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("demo: dates follow the server's clock and every printed curl line works", demo_on_the_test_clock)
TEST_CASE("demo: a refused step exits non-zero and names the step and the server's answer [embedded]") {
  demo_names_a_failed_step(Backend::kEmbedded);
}

}  // namespace agritrace::testing
