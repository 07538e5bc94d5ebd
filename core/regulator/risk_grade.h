// Risk grades of R-4.5.2 (风险分级) and when an entity is overdue for inspection. Pure.
//
// The minimum inspections per year per grade follow 《食品生产经营风险分级管理办法》
// (the risk grading measures for food producers and traders, art. on inspection frequency):
// grade A at least once a year, B at least twice, C at least three times, D at least four times.
//
// Overdue, precisely (all days are the platform's calendar days, Asia/Shanghai):
//   window      = the 365 days ending today: inspected_on in [today - 364, today];
//   done        = the inspections in the window (inspections_last_365_days);
//   age         = today - assigned_on (days since the current grade was assigned);
//   due         = required_per_year                              when age >= 365,
//                 floor(required_per_year * age / 365)            otherwise (pro rata: a grade
//                 younger than a year asks only for the share of the year it has been in force);
//   overdue     = a grade is assigned and done < due.
// An entity without a grade is never overdue (nothing is required of it yet).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"

namespace agritrace::core {

struct RiskGradeRule {
  std::string_view grade;
  int32_t inspections_per_year;
};
inline constexpr std::array<RiskGradeRule, 4> kRiskGradeRules = {
    {{"A", 1}, {"B", 2}, {"C", 3}, {"D", 4}}};

// 1..4 for A..D; an unknown grade: 422 `risk_grade_invalid`.
Result<int32_t> inspections_required_per_year(std::string_view grade, std::string_view field);

struct InspectionStanding {
  int32_t required_per_year = 0;  // 0 without a grade
  int32_t last_365_days = 0;
  std::optional<Date> last_inspected_on;
  int32_t due_now = 0;
  bool overdue = false;
};

// `grade` "" when none (then assigned_on is ignored); `inspected` the entity's inspection dates in
// any order (future ones are not counted).
InspectionStanding inspection_standing(std::string_view grade, Date assigned_on,
                                       std::span<const Date> inspected, Date today);

}  // namespace agritrace::core
