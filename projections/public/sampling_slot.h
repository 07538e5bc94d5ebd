// The sampling-results slot of the scan page (issue 12, R-4.4.S): the interface between the scan
// page (api/public/scan_page.cpp) and the sampling publication. Implemented in
// projections/public/sampling_slot.cpp from the links the sampling projection writes
// (projections/public/sampling_projection.h).
#pragma once

#include <string>
#include <string_view>

#include "projections/base/view_store.h"

namespace agritrace::projections {

// The published (final) official sampling results matched to batch `batch_id` of enterprise
// `tenant`, newest first, as a JSON array of objects with at least: announcement_number,
// announcement_date ("YYYY-MM-DD"), food_name, failing_item ("" when it passed), result
// ("合格" | "不合格"), testing_institution. "[]" when there are none.
std::string sampling_results_of_batch(const ViewStore& views, std::string_view tenant,
                                      std::string_view batch_id);

}  // namespace agritrace::projections
