// The rules of accounts (core/accounts/rules.h): an enterprise registers itself (R-4.2.8 context)
// with its first administrator; user accounts and scoped API keys (issue 16).
#include "core/accounts/access.h"
#include "core/accounts/rules.h"
#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/domain/decide.h"

namespace agritrace::core {
namespace {

Status check_password_hash(const std::string& hash, std::string_view field) {
  if (!hash.starts_with("$argon2id$") || hash.size() > 256) {
    return invalid("password_hash_invalid", "expected an Argon2id hash", std::string(field));
  }
  return Status::Ok();
}

Status check_sha256(const std::string& sha, std::string_view field) {
  if (!is_sha256_hex(sha)) {
    return invalid("sha256_invalid", "expected 64 lowercase hex characters", std::string(field));
  }
  return Status::Ok();
}

// A new account of the enterprise: the username is free, the role is known.
Result<UserCreated> new_user(const TenantState& state, const std::string& username,
                             const std::string& role, const std::string& password_hash,
                             std::string_view username_field, std::string_view hash_field) {
  AGRITRACE_RETURN_IF_ERROR(validate_username(username, username_field));
  auto r = parse_role(role, "role");
  if (!r.ok()) return r.error();
  AGRITRACE_RETURN_IF_ERROR(check_password_hash(password_hash, hash_field));
  if (state.accounts.users.count(username) > 0) {
    return conflict("username_taken", "the enterprise already has a user " + username,
                    std::string(username_field));
  }
  return UserCreated{next_id("u-", state.accounts.last_user), username, role, password_hash};
}

// A key of the enterprise that still works.
Status live_key(const TenantState& state, const std::string& key_id) {
  auto it = state.accounts.keys.find(key_id);
  if (it == state.accounts.keys.end()) {
    return not_found("api_key_not_found", "no API key " + key_id, "key_id");
  }
  if (it->second.revoked) {
    return conflict("api_key_revoked", "the API key " + key_id + " is revoked", "key_id");
  }
  return Status::Ok();
}

}  // namespace

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
  AGRITRACE_RETURN_IF_ERROR(check_sha256(c.api_key_sha256, "api_key_sha256"));
  std::vector<Event> events;
  events.push_back(EnterpriseRegistered{c.enterprise_id, c.name, c.region, c.api_key_id,
                                        c.api_key_sha256});
  if (!c.admin_username.empty() || !c.admin_password_hash.empty()) {
    auto admin = new_user(state, c.admin_username, std::string(role_name(Role::kAdministrator)),
                          c.admin_password_hash, "administrator.username", "administrator.password");
    if (!admin.ok()) return admin.error();
    events.push_back(std::move(admin).value());
  }
  return events;
}

Result<std::vector<Event>> decide(const TenantState& state, const CreateUser& c, const Context&) {
  auto user = new_user(state, c.username, c.role, c.password_hash, "username", "password");
  if (!user.ok()) return user.error();
  return std::vector<Event>{std::move(user).value()};
}

Result<std::vector<Event>> decide(const TenantState& state, const CreateApiKey& c,
                                  const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(required_text(c.name, "name", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(required_text(c.key_id, "key_id", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(check_sha256(c.api_key_sha256, "api_key_sha256"));
  if (auto a = parse_access(c.access, "access"); !a.ok()) return a.error();
  for (const auto& area : c.areas) {
    auto a = parse_area(area, "areas");
    if (!a.ok()) return a.error();
    if (*a == Area::kAccounts) {
      return invalid("area_not_for_keys",
                     "accounts (users, keys, audit) are for administrators, not for scoped keys",
                     "areas");
    }
  }
  if (c.expires_at_ms && *c.expires_at_ms <= ctx.now_ms) {
    return invalid("expiry_in_past", "a key must expire in the future", "expires_at");
  }
  if (state.accounts.keys.count(c.key_id) > 0) {
    return conflict("api_key_exists", "an API key " + c.key_id + " already exists", "key_id");
  }
  return std::vector<Event>{ApiKeyCreated{c.key_id, c.name, c.api_key_sha256, c.access, c.areas,
                                          c.expires_at_ms}};
}

Result<std::vector<Event>> decide(const TenantState& state, const RotateApiKey& c, const Context&) {
  AGRITRACE_RETURN_IF_ERROR(live_key(state, c.key_id));
  AGRITRACE_RETURN_IF_ERROR(check_sha256(c.api_key_sha256, "api_key_sha256"));
  return std::vector<Event>{ApiKeyRotated{c.key_id, c.api_key_sha256}};
}

Result<std::vector<Event>> decide(const TenantState& state, const RevokeApiKey& c, const Context&) {
  AGRITRACE_RETURN_IF_ERROR(live_key(state, c.key_id));
  AGRITRACE_RETURN_IF_ERROR(optional_text(c.reason, "reason", kMaxNoteBytes));
  return std::vector<Event>{ApiKeyRevoked{c.key_id, c.reason}};
}

}  // namespace agritrace::core
