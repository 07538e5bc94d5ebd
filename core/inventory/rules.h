// Rules of stocktakes and stock adjustments; stock itself in core/inventory/stock.h.
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RecordStocktake& c,
                                  const Context& ctx);

void evolve(TenantState& state, const StocktakeRecorded& e);
void evolve(TenantState& state, const StockAdjusted& e);

}  // namespace agritrace::core
