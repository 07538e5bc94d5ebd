// Calendar dates and UTC timestamps as plain integers (no <chrono> time zones, no I/O).
// Dates are days since 1970-01-01 in the proleptic Gregorian calendar; instants are Unix ms.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace agritrace::core {

// A calendar date without a time zone ("2026-11-25"): production and expiry dates are local
// calendar days printed on the goods, not instants.
struct Date {
  int32_t days_since_epoch = 0;
  auto operator<=>(const Date&) const = default;
};

struct CivilDate {
  int32_t year = 1970;
  uint32_t month = 1;  // 1..12
  uint32_t day = 1;    // 1..31
};

bool is_leap_year(int32_t year);
uint32_t days_in_month(int32_t year, uint32_t month);
// Howard Hinnant's days_from_civil / civil_from_days; the input must be a real date.
int32_t days_from_civil(CivilDate civil);
CivilDate civil_from_days(int32_t days_since_epoch);
// Builds a Date only when year/month/day form a real date in years 0001..9999.
Result<Date> make_date(int32_t year, uint32_t month, uint32_t day, std::string_view field);

// Strict "YYYY-MM-DD": exactly 10 characters, real date, year 0001..9999. Reason `date_invalid`.
Result<Date> parse_date(std::string_view text, std::string_view field);
std::string format_date(Date date);

// The calendar date of an instant at a fixed UTC offset (China Standard Time is +480 minutes).
Date date_from_unix_ms(int64_t unix_ms, int32_t utc_offset_minutes = 0);

// "2026-11-25T21:59:01.123Z": always UTC, always milliseconds.
std::string format_rfc3339_utc(int64_t unix_ms);
// RFC 3339 date-time: "Z" or "+08:00"/"-05:30" offset, optional fraction (truncated to ms).
// Leap seconds (":60") are refused. Reason `timestamp_invalid`.
Result<int64_t> parse_rfc3339(std::string_view text, std::string_view field);

}  // namespace agritrace::core
