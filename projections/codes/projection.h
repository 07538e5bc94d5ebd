// The read model of the catalogue, trace codes and the resolver index and
// published products. Queries over it live in projections/codes/queries.h.
#pragma once

#include <memory>

#include "projections/base/runner.h"

namespace agritrace::projections {

std::unique_ptr<Projection> make_codes_projection();

}  // namespace agritrace::projections
