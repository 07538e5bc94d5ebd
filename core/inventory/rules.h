// Rules of stocktakes and stock adjustments; stock itself in core/inventory/stock.h.
#pragma once

#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/inventory/commands.h"
#include "core/inventory/events.h"

namespace agritrace::core {

// The rules: the events to append, or the reason why not (core/domain/decide.h).
Result<std::vector<Event>> decide(const TenantState& state, const RecordStocktake& c,
                                  const Context& ctx);

// The fold of the area's own events into the tenant's write model.
void evolve(TenantState& state, const StocktakeRecorded& e);
void evolve(TenantState& state, const StockAdjusted& e);

}  // namespace agritrace::core
