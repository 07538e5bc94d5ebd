#include <doctest/doctest.h>

#include "core/base/civil_time.h"

namespace agritrace::core {

TEST_CASE("civil_time: dates parse strictly and round-trip") {
  auto d = parse_date("2026-11-25", "expiry_date");
  REQUIRE(d.ok());
  CHECK(format_date(*d) == "2026-11-25");
  CHECK(parse_date("1970-01-01", "f")->days_since_epoch == 0);
  CHECK(parse_date("1969-12-31", "f")->days_since_epoch == -1);
  CHECK(parse_date("2000-03-01", "f")->days_since_epoch -
            parse_date("2000-02-28", "f")->days_since_epoch == 2);
  CHECK(parse_date("2000-02-29", "f").ok());
  CHECK(format_date(*parse_date("0001-01-01", "f")) == "0001-01-01");
  CHECK(format_date(*parse_date("9999-12-31", "f")) == "9999-12-31");
  for (const char* bad : {"1900-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-1-01",
                          "2026-01-1", "20260101", "2026/01/01", " 2026-01-01", "2026-01-01 ",
                          "0000-01-01", "2026-04-31", "", "abcd-ef-gh", "+026-01-01"}) {
    auto r = parse_date(bad, "production_date");
    CHECK_MESSAGE(!r.ok(), std::string(bad));
    if (!r.ok()) {
      CHECK(r.error().reason == "date_invalid");
      CHECK(r.error().field == "production_date");
      CHECK(r.error().code == ErrorCode::kInvalidArgument);
    }
  }
}

TEST_CASE("civil_time: every day of four centuries round-trips") {
  const int32_t start = days_from_civil({1900, 1, 1});
  const int32_t end = days_from_civil({2300, 1, 1});
  int32_t expected = start;
  int64_t mismatches = 0;  // one CHECK at the end instead of 146 097 assertions
  for (int32_t y = 1900; y < 2300; ++y) {
    for (uint32_t m = 1; m <= 12; ++m) {
      for (uint32_t d = 1; d <= days_in_month(y, m); ++d) {
        const CivilDate c = civil_from_days(expected);
        if (days_from_civil({y, m, d}) != expected || c.year != y || c.month != m || c.day != d) {
          ++mismatches;
        }
        ++expected;
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(expected == end);
  CHECK(is_leap_year(2000));
  CHECK_FALSE(is_leap_year(1900));
  CHECK(is_leap_year(2024));
  CHECK_FALSE(is_leap_year(2026));
}

TEST_CASE("civil_time: RFC 3339 timestamps") {
  const int64_t ms = 1795622341123;  // 2026-11-25T15:59:01.123Z
  CHECK(format_rfc3339_utc(ms) == "2026-11-25T15:59:01.123Z");
  CHECK(format_rfc3339_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339_utc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(*parse_rfc3339("2026-11-25T15:59:01.123Z", "t") == ms);
  CHECK(*parse_rfc3339("2026-11-25T23:59:01.123+08:00", "t") == ms);
  CHECK(*parse_rfc3339("2026-11-25T10:29:01.123-05:30", "t") == ms);
  CHECK(*parse_rfc3339("2026-11-25t15:59:01.123456789z", "t") == ms);
  CHECK(*parse_rfc3339("2026-11-25T15:59:01Z", "t") == ms - 123);
  CHECK(*parse_rfc3339("2026-11-25T15:59:01.1Z", "t") == ms - 23);
  CHECK(*parse_rfc3339("1969-12-31T23:59:59.999Z", "t") == -1);
  for (const char* bad : {"2026-11-25T15:59:60Z", "2026-11-25T24:00:00Z", "2026-11-25T15:59:01",
                          "2026-11-25 15:59:01Z", "2026-11-25T15:59:01.Z", "2026-02-30T00:00:00Z",
                          "2026-11-25T15:59:01+0800", "2026-11-25T15:59:01+24:00",
                          "2026-11-25T15:59:01.1234567890Z", "2026-11-25T15:59:01ZZ"}) {
    auto r = parse_rfc3339(bad, "occurred_at");
    CHECK_MESSAGE(!r.ok(), std::string(bad));
    if (!r.ok()) CHECK(r.error().reason == "timestamp_invalid");
  }
}

TEST_CASE("civil_time: the local date of an instant") {
  const int64_t ms = *parse_rfc3339("2026-11-25T16:30:00Z", "t");
  CHECK(format_date(date_from_unix_ms(ms)) == "2026-11-25");
  CHECK(format_date(date_from_unix_ms(ms, 480)) == "2026-11-26");  // China Standard Time
  CHECK(format_date(date_from_unix_ms(-1)) == "1969-12-31");
}

}  // namespace agritrace::core
