// The fold of the accounts events (core/accounts/rules.h).
#include "core/accounts/rules.h"

namespace agritrace::core {

void evolve(TenantState& state, const EnterpriseRegistered& e) {
  state.registered = true;
  state.enterprise_id = e.enterprise_id;
  state.name = e.name;
  state.region = e.region;
}

}  // namespace agritrace::core
