#include "core/base/civil_time.h"

#include <cstdio>

namespace agritrace::core {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// Callers check all_digits first; at most 9 digits so int64 cannot overflow.
int64_t to_int(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// Floor division: instants before 1970 must land on the previous day, not round towards zero.
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Error date_error(std::string_view text, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, "date_invalid",
                    "expected a real date as YYYY-MM-DD, got \"" + std::string(text) + "\"",
                    std::string(field));
}

Error timestamp_error(std::string_view text, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, "timestamp_invalid",
                    "expected an RFC 3339 date-time, got \"" + std::string(text) + "\"",
                    std::string(field));
}

}  // namespace

bool is_leap_year(int32_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

uint32_t days_in_month(int32_t year, uint32_t month) {
  static constexpr uint32_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

// http://howardhinnant.github.io/date_algorithms.html#days_from_civil
int32_t days_from_civil(CivilDate c) {
  const int32_t y = c.year - (c.month <= 2 ? 1 : 0);
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const uint32_t yoe = static_cast<uint32_t>(y - era * 400);                          // [0, 399]
  const uint32_t doy = (153 * (c.month > 2 ? c.month - 3 : c.month + 9) + 2) / 5 + c.day - 1;  // [0, 365]
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                        // [0, 146096]
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

// http://howardhinnant.github.io/date_algorithms.html#civil_from_days
CivilDate civil_from_days(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const uint32_t doe = static_cast<uint32_t>(z - era * 146097);
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t y = static_cast<int32_t>(yoe) + era * 400;
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint32_t mp = (5 * doy + 2) / 153;
  const uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  const uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), m, d};
}

Result<Date> make_date(int32_t year, uint32_t month, uint32_t day, std::string_view field) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month)) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d-%u-%u", year, month, day);
    return date_error(buf, field);
  }
  return Date{days_from_civil(CivilDate{year, month, day})};
}

Result<Date> parse_date(std::string_view text, std::string_view field) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
      !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2))) {
    return date_error(text, field);
  }
  const auto year = static_cast<int32_t>(to_int(text.substr(0, 4)));
  const auto month = static_cast<uint32_t>(to_int(text.substr(5, 2)));
  const auto day = static_cast<uint32_t>(to_int(text.substr(8, 2)));
  auto date = make_date(year, month, day, field);
  if (!date.ok()) return date_error(text, field);
  return date;
}

std::string format_date(Date date) {
  const CivilDate c = civil_from_days(date.days_since_epoch);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

Date date_from_unix_ms(int64_t unix_ms, int32_t utc_offset_minutes) {
  const int64_t local_ms = unix_ms + int64_t{utc_offset_minutes} * 60'000;
  return Date{static_cast<int32_t>(floor_div(local_ms, kMsPerDay))};
}

std::string format_rfc3339_utc(int64_t unix_ms) {
  const int64_t days = floor_div(unix_ms, kMsPerDay);
  const int64_t ms_of_day = unix_ms - days * kMsPerDay;
  const CivilDate c = civil_from_days(static_cast<int32_t>(days));
  const auto secs = static_cast<int32_t>(ms_of_day / 1000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day,
                secs / 3600, secs / 60 % 60, secs % 60, static_cast<int32_t>(ms_of_day % 1000));
  return buf;
}

Result<int64_t> parse_rfc3339(std::string_view text, std::string_view field) {
  // date-time = full-date "T" partial-time time-offset (RFC 3339 section 5.6).
  if (text.size() < 20) return timestamp_error(text, field);
  auto date = parse_date(text.substr(0, 10), field);
  const char t = text[10];
  if (!date.ok() || (t != 'T' && t != 't') || text[13] != ':' || text[16] != ':' ||
      !all_digits(text.substr(11, 2)) || !all_digits(text.substr(14, 2)) ||
      !all_digits(text.substr(17, 2))) {
    return timestamp_error(text, field);
  }
  const int64_t hour = to_int(text.substr(11, 2));
  const int64_t minute = to_int(text.substr(14, 2));
  const int64_t second = to_int(text.substr(17, 2));
  if (hour > 23 || minute > 59 || second > 59) return timestamp_error(text, field);
  std::string_view rest = text.substr(19);
  int64_t millis = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    const size_t digits = n - 1;
    if (digits == 0 || digits > 9) return timestamp_error(text, field);
    std::string_view frac = rest.substr(1, digits);
    for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < frac.size() ? frac[i] - '0' : 0);
    rest = rest.substr(n);
  }
  int64_t offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
             all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
    const int64_t oh = to_int(rest.substr(1, 2));
    const int64_t om = to_int(rest.substr(4, 2));
    if (oh > 23 || om > 59) return timestamp_error(text, field);
    offset_minutes = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
  } else {
    return timestamp_error(text, field);
  }
  const int64_t local_ms = int64_t{date->days_since_epoch} * kMsPerDay +
                           ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return local_ms - offset_minutes * 60'000;
}

}  // namespace agritrace::core
