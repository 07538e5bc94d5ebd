// Read model of food-safety complaints: each case as one record (complaint_record.h)
// under its respondent enterprise, and a global index from the follow token's digest to the case
// for the consumer. Deadlines are stored as days; whether a case is overdue is computed by the
// queries against the server's clock (complaint_queries.h), so the views stay a pure function of
// the ledger.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace complaints {
using Handled = EventList<core::ComplaintFiled, core::ComplaintStateChanged, core::ComplaintRated>;
static_assert(are_events_v<Handled>);
}  // namespace complaints

std::unique_ptr<Projection> make_complaint_projection();

}  // namespace agritrace::projections
