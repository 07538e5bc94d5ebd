// Rules of receiving by scan or by hand.
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const ReceiveGoods& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const ReceiveGoodsManually& c,
                                  const Context& ctx);

void evolve(TenantState& state, const GoodsReceived& e);

}  // namespace agritrace::core
