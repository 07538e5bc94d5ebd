// Rules of income and expense entered by hand.
#pragma once

#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/finance/commands.h"
#include "core/finance/events.h"

namespace agritrace::core {

// The rules: the events to append, or the reason why not (core/domain/decide.h).
Result<std::vector<Event>> decide(const TenantState& state, const RecordFinanceEntry& c,
                                  const Context& ctx);

// The fold of the area's own events into the tenant's write model.
void evolve(TenantState& state, const FinanceEntryRecorded& e);

}  // namespace agritrace::core
