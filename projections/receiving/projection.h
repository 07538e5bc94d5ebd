// Read model of goods in and of the lineage edges that join enterprises (R-4.2.4 across
// enterprises). Queries over it live in projections/trace/queries.h. Key layout (docs/ARCHITECTURE.md
// "Tracing across enterprises"):
//   rcv/T/rcv               receipt record (with serials)   rcvl/T/lot/rcv   receipts of a lot
//   rcvc/T/serial           code received (receipt, lot)    rcvm/T/serial    code missing at a receipt
//   lot/T/lot               the received lot's record (as purchase receipts write it), with origin
//   xrc/FROM/item/TO/lot    sender's stock item -> receiver's lot: amount received (sum)
//   xrs/FROM/sh/TO/lot      sender's shipment  -> receiver's lot: amount received (sum)
//   xadj/T/item             net stock adjustment of a stock item (sum)
// and, in the sales projection's lineage, a fact and a sum under the ORIGIN batch for every
// receipt (fact only), consumption of a received lot and adjustment of one (-q / +delta).
// The edges are written by the receiver's events under the sender's tenant as sums, and read by
// the queries only: nothing here reads another enterprise's records, so the views do not depend
// on the order in which events of different enterprises arrive.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace receiving {
// The events the receiving projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::GoodsReceived, core::BatchMaterialConsumed, core::StockAdjusted>;
static_assert(are_events_v<Handled>);
}  // namespace receiving

std::unique_ptr<Projection> make_circulation_projection();

}  // namespace agritrace::projections
