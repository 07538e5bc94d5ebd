// Rules of accounts: an enterprise registers itself (R-4.2.8 context).
#pragma once

#include <vector>

#include "core/accounts/commands.h"
#include "core/accounts/events.h"
#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

// The rules: the events to append, or the reason why not (core/domain/decide.h).
Result<std::vector<Event>> decide(const TenantState& state, const RegisterEnterprise& c,
                                  const Context& ctx);

// The fold of the area's own events into the tenant's write model.
void evolve(TenantState& state, const EnterpriseRegistered& e);

}  // namespace agritrace::core
