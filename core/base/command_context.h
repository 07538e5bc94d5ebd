// Who issues a command, for which tenant, and when: everything decide() may know about the world
// besides the tenant's state. Filled by the API layer; decide stays pure.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"

namespace agritrace::core {

struct TenantState;

struct Context {
  std::string tenant;   // the authenticated enterprise's USCC
  std::string actor;    // account or API key id
  int64_t now_ms = 0;   // Unix ms, UTC
  Date today;           // the tenant's local calendar date (China: UTC+8), for expiry checks
  // Read-only view of the "platform" tenant's state (the shared catalogue, R-4.2.7), given by
  // the single writer so that rules may check catalogue ids; null when there is none.
  const TenantState* platform = nullptr;
  // Read-only view of another enterprise's state (R-4.3.x: the producer a market order goes to,
  // the origin of received codes for their disabled/recalled status); null when unknown. Rules
  // only read facts that other enterprises' own writers decided.
  std::function<const TenantState*(std::string_view tenant)> tenant_state = {};
};

}  // namespace agritrace::core
