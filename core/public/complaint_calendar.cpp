#include "core/public/complaint_calendar.h"

#include <fmt/format.h>

#include <charconv>

namespace agritrace::core {
namespace {

Error bad_line(size_t line, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "calendar_invalid",
                    fmt::format("line {}: {}", line, why));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

int weekday(Date d) {
  const int32_t w = (d.days_since_epoch + 4) % 7;  // 1970-01-01 was a Thursday
  return static_cast<int>(w < 0 ? w + 7 : w);
}

Result<WorkingCalendar> parse_working_calendar(std::string_view text) {
  WorkingCalendar c;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos)
      return bad_line(line_no, "expected `year`, `holiday` or `workday` and a value");
    const std::string_view kind = line.substr(0, sp);
    const std::string_view value = trim(line.substr(sp + 1));
    if (kind == "year") {
      int32_t y = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), y);
      if (ec != std::errc() || p != value.data() + value.size() || y < 1 || y > 9999) {
        return bad_line(line_no, "a year is YYYY");
      }
      c.years.insert(y);
    } else if (kind == "holiday" || kind == "workday") {
      const size_t dots = value.find("..");
      auto from = parse_date(value.substr(0, dots), "date");
      if (!from.ok()) return bad_line(line_no, from.error().message);
      Date to = *from;
      if (dots != std::string_view::npos) {
        if (kind == "workday") return bad_line(line_no, "a workday is one date");
        auto t = parse_date(value.substr(dots + 2), "date");
        if (!t.ok()) return bad_line(line_no, t.error().message);
        if (*t < *from || t->days_since_epoch - from->days_since_epoch > 31) {
          return bad_line(line_no, "a holiday range runs forward, 32 days at most");
        }
        to = *t;
      }
      for (Date d = *from; d <= to; ++d.days_since_epoch) {
        if (!c.years.contains(civil_from_days(d.days_since_epoch).year)) {
          return bad_line(line_no, "the date's year has no `year` line before it");
        }
        if (kind == "workday" && weekday(d) != 0 && weekday(d) != 6) {
          return bad_line(line_no, "a workday line names a Saturday or Sunday worked");
        }
        auto& into = kind == "holiday" ? c.holidays : c.workdays;
        const auto& other = kind == "holiday" ? c.workdays : c.holidays;
        if (other.contains(d)) return bad_line(line_no, "a date is both a holiday and a workday");
        into.insert(d);
      }
    } else {
      return bad_line(line_no, fmt::format("unknown line kind `{}`", kind));
    }
  }
  if (c.years.empty()) return bad_line(line_no, "no `year` line");
  return c;
}

bool is_working_day(const WorkingCalendar& c, Date d) {
  if (c.holidays.contains(d)) return false;
  if (c.workdays.contains(d)) return true;
  const int w = weekday(d);
  return w != 0 && w != 6;
}

Date add_working_days(const WorkingCalendar& c, Date from, int n) {
  Date d = from;
  for (int left = n < 1 ? 1 : n; left > 0;) {
    ++d.days_since_epoch;
    if (is_working_day(c, d)) --left;
  }
  return d;
}

int working_days_between(const WorkingCalendar& c, Date from, Date to) {
  int n = 0;
  for (Date d{from.days_since_epoch + 1}; d <= to; ++d.days_since_epoch) {
    if (is_working_day(c, d)) ++n;
  }
  return n;
}

}  // namespace agritrace::core
