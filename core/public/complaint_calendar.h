// Working days for complaint deadlines: China's public holidays and adjusted working
// days (调休) from a data file (api/public/holidays_cn.txt, with its source), weekends otherwise.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"

namespace agritrace::core {

struct WorkingCalendar {
  std::set<Date> holidays;  // days off, listed
  std::set<Date> workdays;  // weekend days worked (调休)
  std::set<int32_t> years;  // the years the file covers
};

// The data file: `year YYYY`, `holiday FROM[..TO]`, `workday DATE`; '#' starts a comment.
// Reason `calendar_invalid`, the message naming the line.
Result<WorkingCalendar> parse_working_calendar(std::string_view text);

// 0 = Sunday .. 6 = Saturday.
int weekday(Date d);
bool is_working_day(const WorkingCalendar& c, Date d);
// The n-th working day after `from` (n >= 1): the deadline of "n working days from `from`".
Date add_working_days(const WorkingCalendar& c, Date from, int n);
// Working days in (from, to]; 0 when to <= from.
int working_days_between(const WorkingCalendar& c, Date from, Date to);

}  // namespace agritrace::core
