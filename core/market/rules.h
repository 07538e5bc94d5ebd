// Rules of production–marketing docking, per command and per event.
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const PlaceMarketOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CancelMarketOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AcceptMarketOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const DeclineMarketOrder& c,
                                  const Context& ctx);

void evolve(TenantState& state, const MarketOrderPlaced& e);
void evolve(TenantState& state, const MarketOrderCancelled& e);
void evolve(TenantState& state, const MarketOrderAccepted& e);
void evolve(TenantState& state, const MarketOrderDeclined& e);

}  // namespace agritrace::core
