// The rules of sales, shipping and recalls, dispatched from decide().
#pragma once

#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/finance/events.h"
#include "core/inventory/stock.h"
#include "core/sales/commands.h"
#include "core/sales/events.h"
#include "core/sales/state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state,
                                                     const CreateSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state,
                                                    const AmendSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state,
                                                     const CancelSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state,
                                                   const ShipSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const RaiseRecall& c,
                                               const Context& ctx);

// Folding of the sales events into TenantState::sales (called from evolve()).
void evolve(TenantState& state, const SalesOrderCreated& e);
void evolve(TenantState& state, const SalesOrderAmended& e);
void evolve(TenantState& state, const SalesOrderCancelled& e);
void evolve(TenantState& state, const ShipmentRecorded& e);
void evolve(TenantState& state, const SalesOrderStatusChanged& e);
void evolve(TenantState& state, const RecallRaised& e);
// Lineage index used by recalls: material lot -> batches that consumed it.
void index_lot_batch(TenantState& state, const std::string& lot_id, const std::string& batch_id);

// One refused code of a scan, with its stable reason (code_unknown, code_disabled,
// code_already_shipped, code_wrong_batch, code_duplicate_in_scan, code_syntax).
struct RefusedCode {
  std::string code;
  std::string reason;
};
// The problem's extension member for a refused scan: "codes":[{"code":..,"reason":..},..].
std::string refused_codes_json(const std::vector<RefusedCode>& refused);
// 422 codes_refused with every refused code listed.
Error codes_refused(const std::vector<RefusedCode>& refused, size_t scanned, std::string_view what);

// Goods leaving by scan: the codes resolved against the stock item they must belong to (an own
// batch: codes we generated; a lot: codes we received and still hold). `item_id` empty: the item
// of the first valid code. All or nothing: any bad code refuses the scan with its reason.
struct OutgoingScan {
  std::string item_id;
  std::vector<std::string> serials;
  Quantity per_code;
  Quantity total;
};
Result<OutgoingScan> scan_outgoing(const TenantState& state, const std::vector<std::string>& codes,
                                   std::string_view item_id, const Context& ctx);

// The shipment event of goods leaving for `customer_id` (filled from the counterparty), with the
// origin of a received lot, the market order of the sales order and its price share.
ShipmentRecorded make_shipment(const TenantState& state, std::string_view so_id,
                               const SalesOrderState& so, const StockItem& item, Date ship_date,
                               std::vector<std::string> serials, Quantity per_code, Quantity total,
                               std::string_view customer_tenant_hint, const Context& ctx);
// The automatic income of a priced shipment ("sales", R-4.3.6), if any.
std::optional<FinanceEntryRecorded> sales_income(const TenantState& state,
                                                 const ShipmentRecorded& shipment,
                                                 int64_t last_entry);

}  // namespace agritrace::core
