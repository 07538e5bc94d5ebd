// Rules of supervision inspections (issue 13): inspections, risk grades, random draws.
// Decided in the tenant kRegulatorsTenant (core/regulator/rules.h) under the jurisdiction policy
// (core/regulator/access.h): a bureau inspects, grades and draws only entities whose division lies
// in its jurisdiction; any other is `entity_not_found` (404), as another tenant's id.
//
// Who inspects: the inspectors listed are at least two distinct inspector accounts of the acting
// bureau (《食品生产经营监督检查管理办法》: inspections are carried out by no fewer than two
// law-enforcement officers), and the inspector recording is one of them (`recorder_not_listed`).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

// conforming | basically_conforming | nonconforming; else 422 `item_result_invalid`.
Status check_item_result(std::string_view result, std::string_view field);
// Any nonconforming -> nonconforming, else any basically_conforming -> basically_conforming,
// else conforming.
std::string overall_result(const std::vector<InspectionItemResult>& items);

Result<std::vector<Event>> decide(const TenantState& state, const RecordInspection& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AssignRiskGrade& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const DrawInspections& c,
                                  const Context& ctx);
void evolve(TenantState& state, const InspectionRecorded& e);
void evolve(TenantState& state, const RiskGradeAssigned& e);
void evolve(TenantState& state, const InspectionDrawRecorded& e);

}  // namespace agritrace::core
