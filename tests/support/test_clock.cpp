#include "tests/support/test_clock.h"

#include <doctest/doctest.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "events/env/posix_env.h"

namespace agritrace::testing {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kAnchorUtcMs = 4 * 3'600'000;  // 04:00:00Z = 12:00 in Shanghai

struct TestClock {
  int32_t offset_days = 0;
  core::Date day;
  int64_t anchor_ms = 0;         // Unix ms of 04:00:00Z of `day`
  int64_t anchor_monotonic = 0;  // posix_env().monotonic_ns() when the anchor was taken
};

int32_t read_offset_days() {
  const char* text = std::getenv("AGRITRACE_TEST_CLOCK_OFFSET_DAYS");
  if (text == nullptr || *text == '\0') return 0;
  const std::string_view s(text);
  int32_t days = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), days);
  if (ec != std::errc() || end != s.data() + s.size() || days < -36500 || days > 36500) {
    FAIL("AGRITRACE_TEST_CLOCK_OFFSET_DAYS must be a whole number of days (-36500..36500), not '", s, "'");
  }
  return days;
}

const TestClock& clock() {
  static const TestClock c = [] {
    TestClock t;
    t.offset_days = read_offset_days();
    Env& env = events::posix_env();
    t.anchor_monotonic = env.monotonic_ns();
    t.day = core::Date{env.today().days_since_epoch + t.offset_days};
    t.anchor_ms = static_cast<int64_t>(t.day.days_since_epoch) * kMsPerDay + kAnchorUtcMs;
    return t;
  }();
  return c;
}

}  // namespace

core::Date test_date(int32_t n) { return core::Date{clock().day.days_since_epoch + n}; }

std::string test_today() { return core::format_date(test_date(0)); }

std::string days_from_today(int32_t n) { return core::format_date(test_date(n)); }

std::string first_of_month() {
  core::CivilDate c = core::civil_from_days(test_date(0).days_since_epoch);
  c.day = 1;
  return core::format_date(core::Date{core::days_from_civil(c)});
}

int64_t test_now_ms() {
  const TestClock& c = clock();
  return c.anchor_ms + (events::posix_env().monotonic_ns() - c.anchor_monotonic) / 1'000'000;
}

std::string test_now_rfc3339() { return core::format_rfc3339_utc(test_now_ms()); }

int32_t test_clock_offset_days() { return clock().offset_days; }

}  // namespace agritrace::testing
