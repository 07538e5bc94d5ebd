// Read model of income and expense. Queries over it live in projections/finance/queries.h.
// Key layout (T = tenant, DATE = YYYY-MM-DD, fe = sort_id of the entry id, S = '\x1f'):
//   fin/T/DATE/fe                       the entry (by hand or posted automatically)
//   fini/T/fe                           the entry's date (to resume a page after an entry id)
//   fsum/T/DATE S direction S category S auto|manual      amount in fen (sum)
//   fcnt/T/DATE S direction S category S auto|manual      number of entries (sum)
//   fdoc/T/category S document          automatically posted amount per document (sum)
// and, independently of the entries, from the movements of goods that carry a price:
//   fmv/T/DATE S sales|purchases        priced shipments (ship date) / receipts of goods and of
//                                       purchase orders (receipt date), fen
//   fmvd/T/DATE/sales|purchases S doc   one priced movement: its price ("shipment:sh-3",
//                                       "receipt:rcv-2", "purchase_order:po-4")
// The statement compares fmv with the automatic entries of fsum; a posting that is missing or
// differs shows as a difference, and fmvd/fdoc name the documents concerned.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace finance {
// The events the finance projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::FinanceEntryRecorded, core::ShipmentRecorded, core::PurchaseOrderReceived, core::GoodsReceived>;
static_assert(are_events_v<Handled>);
}  // namespace finance

std::unique_ptr<Projection> make_finance_projection();

inline constexpr char kFinanceKeySep = '\x1f';

}  // namespace agritrace::projections
