// The one access-control policy of the API (issue 16, GB/T 22239 level 2): every route's
// operationId mapped to who may call it, and the least-privilege matrix of the enterprise roles.
// The router's guard (api/service/access_control.h) enforces it before any handler runs; a route
// without an entry here is refused to everyone (500 `route_policy_missing`) and fails
// tests/api/http/route_policy_test.cpp.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "api/http/principal.h"
#include "core/accounts/access.h"
#include "core/regulator/access.h"

namespace agritrace::api {

enum class Audience {
  kPublic,           // no credential (health, metrics, the public resolver, login)
  kPlatform,         // the platform operator only (registering enterprises)
  kEnterprise,       // an enterprise principal allowed in `area` for the route's access
  kAnyEnterprise,    // any enterprise principal (logout of its own session)
  kAdminOrPlatform,  // an enterprise administrator (own tenant) or the platform operator (audit)
  // The regulator end (issue 13; the jurisdiction policy: core/regulator/access.h). A regulator
  // principal never reaches an enterprise route, an enterprise principal never a regulator route.
  kRegulator,            // a bureau's user whose role has `regulator_right`
  kRegulatorOrPlatform,  // the same, or the platform operator
  kAnySession,           // any enterprise principal or regulator (logout of its own session)
};

struct RoutePolicy {
  std::string_view operation_id;
  Audience audience;
  core::Area area;  // kEnterprise: the route's business area
  // kRegulator, kRegulatorOrPlatform: what the bureau's role must allow.
  core::RegulatorRight regulator_right = core::RegulatorRight::kRead;
};

// The policy of a route, by operationId; null when the table has none.
const RoutePolicy* route_policy(std::string_view operation_id);
// Every entry of the table (for the tests and docs).
const std::vector<RoutePolicy>& route_policies();

// Least privilege per role: may `role` read (GET) or write (other methods) in `area`?
bool role_allows(core::Role role, core::Area area, core::Access access);

// The refusal, if any, of `principal` calling a route of `policy` with `access`:
// nullopt: allowed; otherwise {status 401/403, problem code, message}.
struct Refusal {
  int32_t status;
  std::string_view code;
  std::string_view message;
};
std::optional<Refusal> check_policy(const RoutePolicy& policy, const Principal& principal,
                                    core::Access access);

}  // namespace agritrace::api
