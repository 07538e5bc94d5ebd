#include "core/regulator/risk_grade.h"

#include "core/base/rule_errors.h"

namespace agritrace::core {

Result<int32_t> inspections_required_per_year(std::string_view grade, std::string_view field) {
  for (const RiskGradeRule& r : kRiskGradeRules) {
    if (r.grade == grade) return r.inspections_per_year;
  }
  return invalid("risk_grade_invalid", "a risk grade is A, B, C or D", std::string(field));
}

InspectionStanding inspection_standing(std::string_view grade, Date assigned_on,
                                       std::span<const Date> inspected, Date today) {
  InspectionStanding s;
  const int32_t first = today.days_since_epoch - 364;
  for (Date d : inspected) {
    if (d > today) continue;
    if (!s.last_inspected_on || d > *s.last_inspected_on) s.last_inspected_on = d;
    if (d.days_since_epoch >= first) ++s.last_365_days;
  }
  if (grade.empty()) return s;
  auto per_year = inspections_required_per_year(grade, "grade");
  if (!per_year.ok()) return s;
  s.required_per_year = *per_year;
  const int64_t age = int64_t{today.days_since_epoch} - assigned_on.days_since_epoch;
  if (age >= 365) {
    s.due_now = s.required_per_year;
  } else if (age > 0) {
    s.due_now = static_cast<int32_t>(int64_t{s.required_per_year} * age / 365);
  }
  s.overdue = s.last_365_days < s.due_now;
  return s;
}

}  // namespace agritrace::core
