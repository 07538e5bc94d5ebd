// The lineage read model (issue 11, R-4.2.4 across enterprises): per stock item of every
// enterprise (own batch "b-N" or lot "lot-N") one small document of what it came from and where it
// went, and the closure of the item graph, so that whereabouts, recalls, traces, code paths and
// recall status read a few documents instead of walking the graph (projections/trace/lineage.h).
// Key layout (docs/ARCHITECTURE.md "The lineage read model"):
//   lnode/T/item        the item's document (projections/trace/lineage_node.h): quantity in, own
//                       stock, consumed into which own batch, shipments to registered receivers
//                       with received / missing / in transit, unregistered customers, retail sales,
//                       written off; its direct upstream items
//   lanc/T/item         every item upstream of it, in every enterprise (sorted list)
//   ldsc/T/item         every item downstream of it, in every enterprise (sorted list)
//   lmis/T/serial       a code T recorded missing at a receipt and has not received since
// A receipt writes into the SENDER's document (its shipment's received and missing amounts) and an
// edge (receipt, consumption) extends the closures of both sides. Every change is a sum, a keyed
// value or a set union, so the views are the same whatever the order in which the events of
// different enterprises arrive (each enterprise's own order kept).
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace trace {
// The events the lineage projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::BatchCreated, core::BatchAmended, core::PurchaseOrderReceived,
                          core::BatchMaterialConsumed, core::CodesGenerated, core::ShipmentRecorded,
                          core::GoodsReceived, core::StockAdjusted>;
static_assert(are_events_v<Handled>);
}  // namespace trace

std::unique_ptr<Projection> make_lineage_projection();

}  // namespace agritrace::projections
