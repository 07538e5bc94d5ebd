// Rules of accounts: an enterprise registers itself (R-4.2.8 context) with its first
// administrator; its administrators create user accounts and scoped API keys, rotate and revoke
// keys (issue 16).
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RegisterEnterprise& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CreateUser& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CreateApiKey& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const RotateApiKey& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const RevokeApiKey& c,
                                  const Context& ctx);

void evolve(TenantState& state, const EnterpriseRegistered& e);
void evolve(TenantState& state, const UserCreated& e);
void evolve(TenantState& state, const ApiKeyCreated& e);
void evolve(TenantState& state, const ApiKeyRotated& e);
void evolve(TenantState& state, const ApiKeyRevoked& e);

}  // namespace agritrace::core
