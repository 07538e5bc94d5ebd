// The fold of stocktakes and stock adjustments.
#include "core/inventory/rules.h"

#include "core/base/rule_errors.h"

namespace agritrace::core {

void evolve(TenantState& s, const StocktakeRecorded& e) {
  observe_id(s.circulation.last_stocktake, e.stocktake_id, "st-");
}

void evolve(TenantState& s, const StockAdjusted& e) {
  saturating_add(s.circulation.adjusted[e.item_id], e.delta.amount);
}

}  // namespace agritrace::core
