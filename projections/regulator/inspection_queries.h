// Queries of R-4.5.2 (issue 13) under the jurisdiction policy (core/regulator/access.h): an
// inspection is visible to the bureaus whose jurisdiction contains its entity's (current)
// division; any other answers 404 like another tenant's id. Draws are the drawing bureau's own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"
#include "projections/regulator/queries.h"

namespace agritrace::projections {

// The fields an entity answer gains: risk_grade ("" when none), risk_graded_on,
// inspections_required_per_year, inspections_last_365_days, last_inspected_on ("" when never),
// inspections_due_now, inspection_overdue (core/regulator/risk_grade.h defines them).
void write_inspection_standing(JsonWriter& w, const ViewStore& v, std::string_view entity_id,
                               core::Date today);
bool inspection_overdue(const ViewStore& v, std::string_view entity_id, core::Date today);

// GET /v1/regulator/inspections/{id}: 404 `inspection_not_found` outside the jurisdiction.
Result<std::string> regulator_inspection(const ViewStore& v, const RegulatorViewer& viewer,
                                         std::string_view inspection_id);
// GET /v1/regulator/inspections?entity_id=&limit=&after_id=: newest id last (id order). With an
// entity outside the jurisdiction: 404 `entity_not_found`.
Result<std::string> regulator_inspections(const ViewStore& v, const RegulatorViewer& viewer,
                                          const std::optional<std::string>& entity_id,
                                          const Page& page);
// GET /v1/regulator/inspections-overdue?division=&limit=&after_id=: the graded entities of the
// jurisdiction (of `division` and below) that are overdue, by entity id.
Result<std::string> overdue_entities(const ViewStore& v, const RegulatorViewer& viewer,
                                     const std::optional<std::string>& division, const Page& page,
                                     const OnPlatform& on_platform);
// Whether an inspection form (sha256) is cited by an inspection the viewer may read.
bool inspection_form_visible(const ViewStore& v, const RegulatorViewer& viewer,
                             std::string_view sha256);

// GET /v1/regulator/draws/{id} (404 `draw_not_found` for another bureau's), the list, and the
// verification: the draw re-run from its recorded inputs (core/regulator/draw_algorithm.h).
Result<std::string> regulator_draw(const ViewStore& v, const RegulatorViewer& viewer,
                                   std::string_view draw_id);
Result<std::string> regulator_draws(const ViewStore& v, const RegulatorViewer& viewer,
                                    const Page& page);
Result<std::string> draw_verification(const ViewStore& v, const RegulatorViewer& viewer,
                                      std::string_view draw_id);

}  // namespace agritrace::projections
