// Rules of accounts: an enterprise registers itself (R-4.2.8 context).
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RegisterEnterprise& c,
                                  const Context& ctx);

void evolve(TenantState& state, const EnterpriseRegistered& e);

}  // namespace agritrace::core
