// Rules of receiving by scan or by hand.
#pragma once

#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/receiving/commands.h"
#include "core/receiving/events.h"

namespace agritrace::core {

// The rules: the events to append, or the reason why not (core/domain/decide.h).
Result<std::vector<Event>> decide(const TenantState& state, const ReceiveGoods& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const ReceiveGoodsManually& c,
                                  const Context& ctx);

// The fold of the area's own events into the tenant's write model.
void evolve(TenantState& state, const GoodsReceived& e);

}  // namespace agritrace::core
