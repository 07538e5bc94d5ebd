// Who issues a command, for which tenant, and when: everything decide() may know about the world
// besides the tenant's state. Filled by the API layer; decide stays pure.
#pragma once

#include <cstdint>
#include <functional>  // kept for includers that relied on it
#include <string>
#include <string_view>

#include "core/base/civil_time.h"

namespace agritrace::core {

class CrossTenantFacts;

struct Context {
  std::string tenant;   // the authenticated enterprise's USCC
  std::string actor;    // account or API key id
  int64_t now_ms = 0;   // Unix ms, UTC
  Date today;           // the tenant's local calendar date (China: UTC+8), for expiry checks
  // The facts of other enterprises (and of the platform's catalogue) the rules may read, given by
  // the single writer (core/domain/cross_tenant_facts.h); null when there are none.
  const CrossTenantFacts* facts = nullptr;
};

}  // namespace agritrace::core
