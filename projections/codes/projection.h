// The read model of the catalogue, trace codes and the resolver index and
// published products. Queries over it live in projections/codes/queries.h.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace codes {
// The events the codes projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::CatalogueProductAdded, core::MainVarietiesSet, core::CodeTemplateCreated, core::CodeRunStarted, core::CodesGenerated, core::CodeDisabled, core::CodeEnabled, core::CodeRunDisabled, core::CodeRunEnabled, core::BatchCreated, core::ProductPublished, core::ProductUnpublished>;
static_assert(are_events_v<Handled>);
}  // namespace codes

std::unique_ptr<Projection> make_codes_projection();

}  // namespace agritrace::projections
