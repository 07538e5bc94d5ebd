// Rules of production–marketing docking, per command and per event.
#pragma once

#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/market/commands.h"
#include "core/market/events.h"

namespace agritrace::core {

// The rules: the events to append, or the reason why not (core/domain/decide.h).
Result<std::vector<Event>> decide(const TenantState& state, const PlaceMarketOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CancelMarketOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AcceptMarketOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const DeclineMarketOrder& c,
                                  const Context& ctx);

// The fold of the area's own events into the tenant's write model.
void evolve(TenantState& state, const MarketOrderPlaced& e);
void evolve(TenantState& state, const MarketOrderCancelled& e);
void evolve(TenantState& state, const MarketOrderAccepted& e);
void evolve(TenantState& state, const MarketOrderDeclined& e);

}  // namespace agritrace::core
