// complaint deadlines in working days: the holiday calendar data file (with its source)
// parses, its holidays are days off and its adjusted working days (调休) are working days, and
// deadlines skip a holiday run. Dates come from the data file and the test clock, never literals.
#include "core/public/complaint_calendar.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/support/test_clock.h"

namespace agritrace::core {
namespace {

std::string calendar_file() {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/api/public/holidays_cn.txt");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The longest run of consecutive listed holidays: {first, last}.
std::pair<Date, Date> longest_run(const WorkingCalendar& c) {
  std::pair<Date, Date> best{}, cur{};
  int best_len = 0, len = 0;
  Date prev{-100000};
  for (Date d : c.holidays) {
    if (d.days_since_epoch == prev.days_since_epoch + 1) {
      cur.second = d;
      ++len;
    } else {
      cur = {d, d};
      len = 1;
    }
    if (len > best_len) best = cur, best_len = len;
    prev = d;
  }
  return best;
}

TEST_CASE("R-4.4.2 the holiday calendar file names its source and parses") {
  const std::string text = calendar_file();
  REQUIRE(!text.empty());
  CHECK(text.find("source: 国务院办公厅关于") != std::string::npos);
  auto c = parse_working_calendar(text);
  REQUIRE(c.ok());
  CHECK(!c->holidays.empty());
  CHECK(!c->workdays.empty());
  for (Date d : c->holidays) CHECK_FALSE(is_working_day(*c, d));
  for (Date d : c->workdays) {
    CHECK(is_working_day(*c, d));
    CHECK((weekday(d) == 0 || weekday(d) == 6));
  }
}

TEST_CASE(
    "R-4.4.2 a deadline in working days skips the longest holiday run and counts 调休 Saturdays") {
  auto c = parse_working_calendar(calendar_file());
  REQUIRE(c.ok());
  const auto [first, last] = longest_run(*c);
  REQUIRE(last.days_since_epoch - first.days_since_epoch >=
          6);  // the Spring Festival or National Day
  const Date before{first.days_since_epoch - 1};
  CHECK(working_days_between(*c, before, last) == 0);
  const Date one = add_working_days(*c, before, 1);
  CHECK(one > last);
  CHECK(working_days_between(*c, before, one) == 1);
  const Date seven = add_working_days(*c, before, 7);
  CHECK(seven.days_since_epoch >= last.days_since_epoch + 7);
  CHECK(working_days_between(*c, before, seven) == 7);
  // Without the calendar the same 7 working days end before the run is over.
  const WorkingCalendar weekends_only{{}, {}, c->years};
  CHECK(add_working_days(weekends_only, before, 7) < seven);
  // An adjusted Saturday counts: the working day before it moves the deadline by one day only.
  const Date worked_weekend = *c->workdays.begin();
  const Date friday_before{worked_weekend.days_since_epoch -
                           (weekday(worked_weekend) == 6 ? 1 : 2)};
  CHECK(add_working_days(*c, friday_before, 1) <= worked_weekend);
}

TEST_CASE("R-4.4.2 the calendar parser refuses a malformed file with the line") {
  const int32_t year = civil_from_days(agritrace::testing::test_date().days_since_epoch).year;
  // The first Monday of the year (a weekday) cannot be an adjusted working day.
  Date monday = *make_date(year, 1, 1, "d");
  while (weekday(monday) != 1) ++monday.days_since_epoch;
  auto r = parse_working_calendar(fmt::format("year {}\nworkday {}\n", year, format_date(monday)));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "calendar_invalid");
  CHECK(r.error().message.starts_with("line 2"));
  CHECK_FALSE(parse_working_calendar(fmt::format("holiday {}\n", format_date(monday)))
                  .ok());  // no year line
  CHECK_FALSE(
      parse_working_calendar(fmt::format("year {}\nvacation {}\n", year, format_date(monday)))
          .ok());
  CHECK_FALSE(parse_working_calendar("# nothing\n").ok());
  auto ok = parse_working_calendar(fmt::format("year {}\nholiday {}..{}  # a week\n", year,
                                               format_date(monday),
                                               format_date(Date{monday.days_since_epoch + 6})));
  REQUIRE(ok.ok());
  CHECK(ok->holidays.size() == 7);
  CHECK(add_working_days(*ok, Date{monday.days_since_epoch - 1}, 1).days_since_epoch ==
        monday.days_since_epoch + 7);
}

TEST_CASE("R-4.4.2 a year beyond the calendar file counts weekends only, predictably") {
  auto c = parse_working_calendar(calendar_file());
  REQUIRE(c.ok());
  // The suite also runs with the clock years ahead: the test day's year plus two, or the year
  // after the file's last, whichever is later, is not in the file.
  const int32_t test_year = civil_from_days(agritrace::testing::test_date().days_since_epoch).year;
  const int32_t year = std::max(test_year + 2, *c->years.rbegin() + 1);
  REQUIRE_FALSE(c->years.contains(year));
  Date d = *make_date(year, 1, 1, "d");  // 1 January: a holiday in every real calendar
  while (weekday(d) != 0) ++d.days_since_epoch;  // the first Sunday
  // Monday..Friday are working days, Saturday and Sunday are not.
  for (int i = 1; i <= 7; ++i) {
    const Date day{d.days_since_epoch + i};
    CHECK(is_working_day(*c, day) == (weekday(day) != 0 && weekday(day) != 6));
  }
  CHECK(add_working_days(*c, d, 5).days_since_epoch == d.days_since_epoch + 5);  // Friday
  CHECK(add_working_days(*c, d, 7).days_since_epoch == d.days_since_epoch + 9);  // next Tuesday
  CHECK(is_working_day(*c, *make_date(year, 1, 1, "d")) ==
        (weekday(*make_date(year, 1, 1, "d")) % 6 != 0));
}

}  // namespace
}  // namespace agritrace::core
