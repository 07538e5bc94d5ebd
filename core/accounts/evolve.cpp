// The fold of the accounts events (core/accounts/rules.h).
#include "core/accounts/rules.h"
#include "core/base/rule_errors.h"

namespace agritrace::core {

void evolve(TenantState& state, const EnterpriseRegistered& e) {
  state.registered = true;
  state.enterprise_id = e.enterprise_id;
  state.name = e.name;
  state.region = e.region;
  state.accounts.keys[e.api_key_id] = AccountsState::Key{};
}

void evolve(TenantState& state, const UserCreated& e) {
  state.accounts.users[e.username] = e.user_id;
  observe_id(state.accounts.last_user, e.user_id, "u-");
}

void evolve(TenantState& state, const ApiKeyCreated& e) {
  state.accounts.keys[e.key_id] = AccountsState::Key{};
}

void evolve(TenantState&, const ApiKeyRotated&) {}

void evolve(TenantState& state, const ApiKeyRevoked& e) {
  if (auto it = state.accounts.keys.find(e.key_id); it != state.accounts.keys.end()) {
    it->second.revoked = true;
  }
}

}  // namespace agritrace::core
