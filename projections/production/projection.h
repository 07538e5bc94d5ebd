// The production-end read model: enterprises, counterparties,
// purchase orders, material lots, production batches with their inputs and documents, and the
// lot -> batch forward index. Queries over it live in projections/production/queries.h.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace production {
// The events the production projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::EnterpriseRegistered, core::CounterpartyRegistered, core::CounterpartyAmended, core::CounterpartyPersonalDataErased, core::PurchaseOrderCreated, core::PurchaseOrderAmended, core::PurchaseOrderCancelled, core::PurchaseOrderReceived, core::BatchCreated, core::BatchAmended, core::BatchMaterialConsumed, core::BatchDocumentAttached>;
static_assert(are_events_v<Handled>);
}  // namespace production

std::unique_ptr<Projection> make_production_projection();

// Every projection the server runs, in a fixed order (the order is part of the views' bytes).
std::vector<std::unique_ptr<Projection>> make_all_projections();

}  // namespace agritrace::projections
