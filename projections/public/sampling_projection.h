// Read model of the sampling inspection publication (R-4.4.S): every result with its status, the
// public list of final results, and the matching of final results to the producers' batches.
//
// Matching is a projection, so it works whichever comes first: a final result is indexed under
// its producer's USCC (= tenant) and match keys (core/public/sampling_rules.h sampling_match_keys:
// the lot code, or the production date when the result has no lot code); every batch is indexed
// under its tenant and its own keys (lot code and production date). When either side arrives, the
// other side's index is read and a link (smpm/) is written, plus an alert (smpa/) when the result
// failed. A correction or withdrawal of a final result removes its links and alerts first (and a
// correction indexes the new values again). A batch.amended that changes the production date takes
// the batch off its old date key (unlinking the results matched by that date) and matches it under
// the new one; the lot code never changes.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace sampling {
using Handled = EventList<core::SamplingResultRecorded, core::SamplingResultFinalised,
                          core::SamplingResultCorrected, core::SamplingResultWithdrawn,
                          core::BatchCreated, core::BatchAmended>;
static_assert(are_events_v<Handled>);
}  // namespace sampling

std::unique_ptr<Projection> make_sampling_projection();

}  // namespace agritrace::projections
