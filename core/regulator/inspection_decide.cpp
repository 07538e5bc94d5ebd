// Rules and fold of R-4.5.2 (issue 13): inspections, risk grades, random draws.
#include <algorithm>
#include <set>

#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/domain/decide.h"
#include "core/regulator/access.h"
#include "core/regulator/draw_algorithm.h"
#include "core/regulator/inspection_rules.h"
#include "core/regulator/risk_grade.h"
#include "core/regulator/rules.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;

constexpr size_t kMaxInspectors = 10;
constexpr size_t kMaxItems = 200;
constexpr int64_t kMaxDrawEntities = 1000;
constexpr size_t kMaxRecusals = 1000;

Status in_regulators_tenant(const Context& ctx) {
  if (ctx.tenant != kRegulatorsTenant) {
    return conflict("not_regulators_tenant", "regulator commands are recorded in the tenant " +
                                                 std::string(kRegulatorsTenant));
  }
  return Status::Ok();
}

Result<const BureauState*> bureau_of(const TenantState& state, std::string_view bureau_id) {
  auto it = state.regulators.bureaus.find(bureau_id);
  if (it == state.regulators.bureaus.end()) {
    return not_found("bureau_not_found", "no bureau " + std::string(bureau_id), "bureau_id");
  }
  return &it->second;
}

// A filed entity of the jurisdiction; any other does not exist for this bureau.
Result<const FiledEntityState*> entity_in(const TenantState& state, const BureauState& bureau,
                                          std::string_view entity_id, std::string field) {
  auto it = state.regulators.entities.find(entity_id);
  if (it == state.regulators.entities.end() ||
      !in_jurisdiction(bureau.jurisdiction, it->second.division)) {
    return not_found("entity_not_found",
                     "no entity " + std::string(entity_id) + " in the jurisdiction",
                     std::move(field));
  }
  return &it->second;
}

bool is_inspector(const TenantState& state, std::string_view bureau, std::string_view username) {
  auto it = state.regulators.user_roles.find(tenant_slot(bureau, username));
  return it != state.regulators.user_roles.end() && it->second == "inspector";
}

// The bureau's inspectors, ascending username (the users map is ordered by bureau, username).
std::vector<std::string> inspectors_of(const TenantState& state, std::string_view bureau) {
  std::vector<std::string> out;
  const std::string prefix = tenant_slot(bureau, "");
  for (auto it = state.regulators.user_roles.lower_bound(prefix);
       it != state.regulators.user_roles.end() && it->first.starts_with(prefix); ++it) {
    if (it->second == "inspector") out.push_back(it->first.substr(prefix.size()));
  }
  return out;
}

bool overlaps(const Jurisdiction& j, std::string_view division) {
  return std::any_of(j.members.begin(), j.members.end(), [&](const std::string& m) {
    return division_within(m, division) || division_within(division, m);
  });
}

}  // namespace

Status check_item_result(std::string_view result, std::string_view field) {
  if (result == kConforming || result == kBasicallyConforming || result == kNonconforming) {
    return Status::Ok();
  }
  return invalid("item_result_invalid",
                 "an item's result is conforming (符合), basically_conforming (基本符合) or "
                 "nonconforming (不符合)",
                 std::string(field));
}

std::string overall_result(const std::vector<InspectionItemResult>& items) {
  bool basic = false;
  for (const InspectionItemResult& i : items) {
    if (i.result == kNonconforming) return std::string(kNonconforming);
    if (i.result == kBasicallyConforming) basic = true;
  }
  return std::string(basic ? kBasicallyConforming : kConforming);
}

Result<Events> decide(const TenantState& state, const RecordInspection& c, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  auto bureau = bureau_of(state, c.bureau_id);
  if (!bureau.ok()) return bureau.error();
  auto entity = entity_in(state, **bureau, c.entity_id, "entity_id");
  if (!entity.ok()) return entity.error();
  if (c.inspected_on > ctx.today) {
    return invalid("inspected_on_in_future", "an inspection cannot be recorded before its day",
                   "inspected_on");
  }
  if (c.inspectors.size() < 2) {
    return invalid("inspectors_too_few",
                   "an inspection is carried out by at least two inspectors of the bureau",
                   "inspectors");
  }
  if (c.inspectors.size() > kMaxInspectors) {
    return invalid("inspectors_too_many", "at most 10 inspectors", "inspectors");
  }
  std::set<std::string_view> seen;
  for (size_t n = 0; n < c.inspectors.size(); ++n) {
    const std::string field = "inspectors[" + std::to_string(n) + "]";
    if (!is_inspector(state, c.bureau_id, c.inspectors[n])) {
      return invalid("inspector_unknown",
                     "'" + c.inspectors[n] + "' is not an inspector account of the bureau", field);
    }
    if (!seen.insert(c.inspectors[n]).second) {
      return invalid("inspector_duplicate", "an inspector is listed once", field);
    }
  }
  if (!seen.contains(c.recorded_by)) {
    return invalid("recorder_not_listed", "the inspector recording must be one of the inspectors",
                   "inspectors");
  }
  if (c.items.empty()) {
    return invalid("items_required", "an inspection records at least one checklist item", "items");
  }
  if (c.items.size() > kMaxItems) return invalid("items_too_many", "at most 200 items", "items");
  std::set<std::string_view> codes;
  for (size_t n = 0; n < c.items.size(); ++n) {
    const std::string at = "items[" + std::to_string(n) + "].";
    const InspectionItemResult& i = c.items[n];
    if (i.code.empty()) return invalid("item_code_required", "an item has a code", at + "code");
    if (!codes.insert(i.code).second) {
      return invalid("item_duplicate", "checklist item " + i.code + " is recorded twice",
                     at + "code");
    }
    AGRITRACE_RETURN_IF_ERROR(check_item_result(i.result, at + "result"));
    AGRITRACE_RETURN_IF_ERROR(optional_text(i.note, at + "note", kMaxNoteBytes));
  }
  const std::string overall = overall_result(c.items);
  AGRITRACE_RETURN_IF_ERROR(optional_text(c.findings, "findings", kMaxNoteBytes));
  AGRITRACE_RETURN_IF_ERROR(optional_text(c.follow_up, "follow_up", kMaxNoteBytes));
  if (overall != kConforming && is_blank(c.follow_up)) {
    return invalid("follow_up_required",
                   "an inspection with items not fully conforming states its follow-up",
                   "follow_up");
  }
  if (c.follow_up_due && *c.follow_up_due < c.inspected_on) {
    return invalid("follow_up_due_invalid", "the follow-up is due on or after the inspection",
                   "follow_up_due");
  }
  if (!is_sha256_hex(c.form_sha256)) {
    return invalid("form_sha256_invalid", "form_sha256 is 64 lowercase hex characters",
                   "form_sha256");
  }
  InspectionRecorded e;
  e.inspection_id = next_id("insp-", state.regulators.last_inspection);
  e.bureau_id = c.bureau_id;
  e.entity_id = c.entity_id;
  e.division = (*entity)->division;
  e.inspected_on = c.inspected_on;
  e.inspectors = c.inspectors;
  e.recorded_by = c.recorded_by;
  e.checklist_version = c.checklist_version;
  e.items = c.items;
  e.overall = overall;
  e.findings = c.findings;
  e.follow_up = c.follow_up;
  e.follow_up_due = c.follow_up_due;
  e.form_sha256 = c.form_sha256;
  return Events{std::move(e)};
}

Result<Events> decide(const TenantState& state, const AssignRiskGrade& c, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  auto bureau = bureau_of(state, c.bureau_id);
  if (!bureau.ok()) return bureau.error();
  auto entity = entity_in(state, **bureau, c.entity_id, "entity_id");
  if (!entity.ok()) return entity.error();
  auto per_year = inspections_required_per_year(c.grade, "grade");
  if (!per_year.ok()) return per_year.error();
  AGRITRACE_RETURN_IF_ERROR(optional_text(c.reason, "reason", kMaxNoteBytes));
  return Events{RiskGradeAssigned{c.entity_id, c.bureau_id, c.grade, c.reason, ctx.today}};
}

Result<Events> decide(const TenantState& state, const DrawInspections& c, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  auto bureau = bureau_of(state, c.bureau_id);
  if (!bureau.ok()) return bureau.error();
  const Jurisdiction& j = (*bureau)->jurisdiction;
  if (c.entity_count < 1 || c.entity_count > kMaxDrawEntities) {
    return invalid("entity_count_invalid", "entity_count is 1..1000", "entity_count");
  }
  if (c.inspectors_per_entity < 2 || c.inspectors_per_entity > int64_t{kMaxInspectors}) {
    return invalid("inspectors_per_entity_invalid",
                   "inspectors_per_entity is 2..10 (at least two inspectors per entity)",
                   "inspectors_per_entity");
  }
  if (!c.division.empty()) {
    AGRITRACE_RETURN_IF_ERROR(check_division_code(c.division, "division"));
    if (!overlaps(j, c.division)) {
      return make_error(ErrorCode::kPermissionDenied, "outside_jurisdiction",
                        "division " + c.division + " is outside the bureau's jurisdiction " + j.id,
                        "division");
    }
  }
  std::vector<std::string> types = c.premises_types;
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  for (const std::string& t : types) {
    const auto known = entity_premises_types();
    if (std::find(known.begin(), known.end(), t) == known.end()) {
      return invalid("premises_type_invalid", "unknown premises type '" + t + "'",
                     "premises_types");
    }
  }
  DrawInputs in;
  in.seed = c.seed;
  in.entity_count = c.entity_count;
  in.inspectors_per_entity = c.inspectors_per_entity;
  for (const auto& [id, f] : state.regulators.entities) {
    if (!in_jurisdiction(j, f.division)) continue;
    if (!c.division.empty() && !division_within(f.division, c.division)) continue;
    if (!types.empty() && !std::binary_search(types.begin(), types.end(), f.premises_type)) {
      continue;
    }
    in.entities.push_back(id);
  }
  std::sort(in.entities.begin(), in.entities.end(),
            [](const std::string& a, const std::string& b) { return entity_id_less(a, b); });
  in.inspectors = inspectors_of(state, c.bureau_id);
  if (c.recusals.size() > kMaxRecusals) {
    return invalid("recusals_too_many", "at most 1000 recusals", "recusals");
  }
  for (size_t n = 0; n < c.recusals.size(); ++n) {
    const std::string at = "recusals[" + std::to_string(n) + "].";
    const DrawRecusal& r = c.recusals[n];
    if (!is_inspector(state, c.bureau_id, r.inspector)) {
      return invalid("inspector_unknown",
                     "'" + r.inspector + "' is not an inspector account of the bureau",
                     at + "inspector");
    }
    auto e = entity_in(state, **bureau, r.entity_id, at + "entity_id");
    if (!e.ok()) return e.error();
  }
  in.recusals = c.recusals;
  auto assignments = run_draw(in);
  if (!assignments.ok()) return assignments.error();
  InspectionDrawRecorded e;
  e.draw_id = next_id("draw-", state.regulators.last_draw);
  e.bureau_id = c.bureau_id;
  e.drawn_by = c.drawn_by;
  e.seed = format_seed(c.seed);
  e.algorithm = std::string(kDrawAlgorithm);
  e.entity_count = c.entity_count;
  e.inspectors_per_entity = c.inspectors_per_entity;
  e.division = c.division;
  e.premises_types = std::move(types);
  e.entities = std::move(in.entities);
  e.inspectors = std::move(in.inspectors);
  e.recusals = c.recusals;
  e.assignments = std::move(assignments).value();
  return Events{std::move(e)};
}

void evolve(TenantState& state, const InspectionRecorded& e) {
  observe_id(state.regulators.last_inspection, e.inspection_id, "insp-");
}

void evolve(TenantState&, const RiskGradeAssigned&) {}

void evolve(TenantState& state, const InspectionDrawRecorded& e) {
  observe_id(state.regulators.last_draw, e.draw_id, "draw-");
}

}  // namespace agritrace::core
