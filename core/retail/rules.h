// Rules of retail sales to consumers. A retail sale appends sales events
// (core/sales/events.h), so retail has no events or fold of its own.
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RecordRetailSale& c,
                                  const Context& ctx);

}  // namespace agritrace::core
