// Rules of income and expense entered by hand.
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RecordFinanceEntry& c,
                                  const Context& ctx);

void evolve(TenantState& state, const FinanceEntryRecorded& e);

}  // namespace agritrace::core
