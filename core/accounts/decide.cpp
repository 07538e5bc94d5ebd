// The rules of accounts (core/accounts/rules.h): an enterprise registers itself (R-4.2.8 context).
#include "core/accounts/rules.h"

#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/domain/decide.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RegisterEnterprise& c,
                                  const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(validate_uscc(c.enterprise_id, "enterprise_id"));
  if (c.enterprise_id != ctx.tenant) {
    return invalid("tenant_mismatch", "enterprise_id must be the USCC of the calling tenant",
                   "enterprise_id");
  }
  if (state.registered) {
    return conflict("enterprise_already_registered",
                    "enterprise " + state.enterprise_id + " is already registered",
                    "enterprise_id");
  }
  AGRITRACE_RETURN_IF_ERROR(required_text(c.name, "name", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(required_text(c.region, "region", kMaxTextBytes));
  AGRITRACE_RETURN_IF_ERROR(required_text(c.api_key_id, "api_key_id", kMaxNameBytes));
  if (!is_sha256_hex(c.api_key_sha256)) {
    return invalid("sha256_invalid", "expected 64 lowercase hex characters", "api_key_sha256");
  }
  std::vector<Event> events;
  events.push_back(EnterpriseRegistered{c.enterprise_id, c.name, c.region, c.api_key_id,
                                        c.api_key_sha256});
  return events;
}

}  // namespace agritrace::core
