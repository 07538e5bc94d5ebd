// Read model of inventory and stocktakes. Queries over it live in projections/inventory/queries.h.
// A stock item is an own batch ("b-N") or a lot ("lot-N": a purchase receipt, goods received by
// scan or by hand). Key layout (T = tenant, item = sort_id of the item id):
//   invi/T/item               item record (kind, product, lot code, unit, dates, supplier, origin)
//   invq/T/item               stock on hand (sum of every movement)
//   invm/T/item/SEQ           one movement: the event that moved the stock, signed quantity, date,
//                             the document behind it; SEQ = the tenant's event sequence, 20 digits
//   invp/T/product\x1fitem    items by product name
//   stk/T/st                  stocktake record with its lines
//   stks/T/st                 stocktake summary (for lists)
// Every key is the tenant's own: a movement comes from one of the tenant's own events, so the
// tenant's event order (fixed) is the only order that matters; stock is a sum (add_int).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace inventory {
// The events the inventory projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::BatchCreated, core::BatchAmended, core::PurchaseOrderReceived, core::GoodsReceived, core::BatchMaterialConsumed, core::ShipmentRecorded, core::StocktakeRecorded, core::StockAdjusted>;
static_assert(are_events_v<Handled>);
}  // namespace inventory

std::unique_ptr<Projection> make_inventory_projection();

// Separator between a product name and an item id in invp keys (never typed by people).
inline constexpr char kInventoryKeySep = '\x1f';

// The movement key suffix of a tenant sequence number: 20 digits, so keys sort in event order.
std::string movement_seq(int64_t tenant_seq);

}  // namespace agritrace::projections
