// Read model of the regulator end (issue 13, R-4.5.1): the filed entities, by id and by division.
// Queries: projections/regulator/queries.h (they apply the jurisdiction policy).
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace regulator {
using Handled = EventList<core::EntityFiled, core::EntityAmended>;
static_assert(are_events_v<Handled>);
}  // namespace regulator

std::unique_ptr<Projection> make_regulator_projection();

}  // namespace agritrace::projections
