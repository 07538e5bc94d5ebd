// Read model of production–marketing docking: market orders on the buyer's side and
// the producer's side. Queries over it live in projections/market/queries.h. Key layout (B = buyer tenant,
// P = producer tenant, mo = the buyer's "mo-N" as sort id):
//   mko/B/mo                 the order as placed (B's event)
//   mkoc/B/mo                B cancelled it (B's event)
//   mkoa/B/mo                P's answer: accepted (with so_id, batch_id) or declined (P's event)
//   mkosh/B/mo/P/sh          a shipment P made against the order (P's event)
//   mkorc/B/mo/rcv           a receipt B recorded for the order (B's event)
//   mki/P/<placed ms>/B/mo   the order as P sees it, in placement order (B's event)
//   mkix/P/B/mo              -> "<placed ms>/B/mo" (index of mki, B's event)
//   mkic/P/B/mo              B cancelled it (B's event)
//   mkia/P/B/mo              P's answer (P's event)
//   mkso/P/so                -> "B/mo-N": the market order a sales order of P fulfils (P's event)
// Every fact is a key of its own written by exactly one event, so the buyer's and the producer's
// events may reach the views in any order; the status is derived when read (an answer beats the
// placement, a cancellation counts only without an answer). The only read during projection is
// mkso/P (written and read by P's own events, whose order is fixed).
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace market {
// The events the market projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::MarketOrderPlaced, core::MarketOrderCancelled, core::MarketOrderAccepted, core::MarketOrderDeclined, core::GoodsReceived, core::SalesOrderCreated, core::ShipmentRecorded>;
static_assert(are_events_v<Handled>);
}  // namespace market

std::unique_ptr<Projection> make_market_projection();

}  // namespace agritrace::projections
