// The test clock: one clock for the whole test process, so that every test states its dates
// relative to the day it runs on and never a literal calendar date that can pass.
//
// At first use it reads the wall clock through the Env, takes the platform's calendar day
// (Asia/Shanghai) plus AGRITRACE_TEST_CLOCK_OFFSET_DAYS (default 0) and anchors the clock at
// 04:00:00Z of that day: noon in Shanghai, so no test crosses a calendar midnight. From then on the
// clock advances with the monotonic clock. Every ServerProcess starts its server on this clock
// (`serve --clock-start`), so the server's "today" is test_today() in every test, on any day of
// any year, and across restarts within one test it never goes backwards.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/civil_time.h"

namespace agritrace::testing {

// The test's calendar day and the day `n` days from it (negative: in the past).
core::Date test_date(int32_t n = 0);
// "YYYY-MM-DD" of test_date(0) and test_date(n).
std::string test_today();
std::string days_from_today(int32_t n);
// The first day of the test day's month, as "YYYY-MM-DD".
std::string first_of_month();
// The test clock now: the anchor plus the monotonic time elapsed since it was taken (Unix ms),
// and as RFC 3339 for `serve --clock-start`.
int64_t test_now_ms();
std::string test_now_rfc3339();
// AGRITRACE_TEST_CLOCK_OFFSET_DAYS as read at first use (0 when unset).
int32_t test_clock_offset_days();

}  // namespace agritrace::testing
