// The rules of the circulation end (R-4.3.x, core/market/model.h), dispatched from decide() and
// evolve(): market orders (core/market/decide.cpp), receiving (core/receiving/decide.cpp), retail sales
// (core/retail/decide.cpp), stocktakes and income/expense (core/inventory/decide.cpp), stock (stock.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/market/model.h"
#include "core/base/command_context.h"
#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/base/status.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

// ---- rules ---------------------------------------------------------------------------------
Result<std::vector<Event>> decide_circulation(const TenantState& s, const PlaceMarketOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const CancelMarketOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const AcceptMarketOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const DeclineMarketOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const ReceiveGoods& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const ReceiveGoodsManually& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const RecordStocktake& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const RecordFinanceEntry& c, const Context& ctx);
Result<std::vector<Event>> decide_circulation(const TenantState& s, const RecordRetailSale& c, const Context& ctx);

// ---- folding into the tenant's own state -----------------------------------------------------
void evolve_circulation(TenantState& s, const MarketOrderPlaced& e);
void evolve_circulation(TenantState& s, const MarketOrderCancelled& e);
void evolve_circulation(TenantState& s, const MarketOrderAccepted& e);
void evolve_circulation(TenantState& s, const MarketOrderDeclined& e);
void evolve_circulation(TenantState& s, const GoodsReceived& e);
void evolve_circulation(TenantState& s, const StocktakeRecorded& e);
void evolve_circulation(TenantState& s, const StockAdjusted& e);
void evolve_circulation(TenantState& s, const FinanceEntryRecorded& e);

// ---- facts crossing enterprises --------------------------------------------------------------
// The other enterprise whose write model an event of `from_tenant` also changes ("" if none):
// the customer of a shipment, the producer of a placed/cancelled market order, the buyer of an
// accepted/declined one.
std::string cross_tenant_target(std::string_view from_tenant, const Event& event);
// Folds `event` of `from_tenant` into the target enterprise's state. Order-independent with the
// target's own events (the fold of a Kafka ledger may meet them in any order).
void evolve_across(TenantState& target, std::string_view from_tenant, const Event& event);

// ---- stock (stock.cpp) -----------------------------------------------------------------------
// A stock item: an own batch ("b-N") or a lot ("lot-N", received or purchased).
struct StockItem {
  bool is_batch = false;
  std::string item_id;
  std::string product;
  std::string lot_code;
  Quantity stock;  // what is on hand now, never negative by the rules
  Date production_date;
  std::optional<Date> expiry_date;
  int64_t quantity_per_code = 0;
  std::string origin_tenant;    // the producer ("" for an own batch or a lot bought by hand)
  std::string origin_batch_id;
};
Result<StockItem> find_stock_item(const TenantState& s, std::string_view item_id,
                                  std::string_view field);
// Recall of the goods of an item, through its own recalls or (received lots) the origin
// producer's or the sender's; the first recall id, or "".
std::string recall_of_item(const TenantState& s, std::string_view item_id, const Context& ctx);
// The same for an item of another enterprise ("tenant:rc-N"), through ctx.tenant_state.
std::string recall_of_remote_item(std::string_view tenant, std::string_view item_id,
                                  const Context& ctx);

}  // namespace agritrace::core
