// Read model of R-4.5.2 (issue 13): inspection records (by id, by entity, by form), risk grades,
// random draws. Queries: projections/regulator/inspection_queries.h.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace regulator_inspections {
using Handled =
    EventList<core::InspectionRecorded, core::RiskGradeAssigned, core::InspectionDrawRecorded>;
static_assert(are_events_v<Handled>);
}  // namespace regulator_inspections

std::unique_ptr<Projection> make_regulator_inspection_projection();

}  // namespace agritrace::projections
