// The EPCIS 2.0 read model (issue 14): every ledger event that concerns goods, as the EPCIS event
// it maps to (docs/INTERCHANGE.md), stored per tenant in ledger order so that GET /epcis/events
// pages through a view and never walks the ledger. Key layout:
//   epcis/T/seq12/i3     one EPCIS event (stored form, identifiers resolved at query time)
//   epcisrun/T/run       a code run's GTIN, lot code and batch (for codes.generated)
//   epcisitem/T/item     a batch's or lot's catalogue product and lot code (for its class)
// Only the tenant's own earlier events are read while applying, so the bytes never depend on
// the order between partitions; a serial's GTIN and a product's GTIN never change once written,
// and are looked up when a page is read (projections/interchange/queries.h).
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace interchange {
// The events the interchange projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::CodeRunStarted, core::CodesGenerated, core::BatchCreated,
                          core::BatchMaterialConsumed, core::PurchaseOrderReceived,
                          core::ShipmentRecorded, core::GoodsReceived>;
static_assert(are_events_v<Handled>);
}  // namespace interchange

std::unique_ptr<Projection> make_interchange_projection();

}  // namespace agritrace::projections
