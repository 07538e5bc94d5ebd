// Stand-in until the sampling publication (engineer `care`, R-4.4.S) lands: no results.
#include "projections/public/sampling_slot.h"

namespace agritrace::projections {

std::string sampling_results_of_batch(const ViewStore&, std::string_view, std::string_view) {
  return "[]";
}

}  // namespace agritrace::projections
