// The credential index (core/accounts/credentials.h).
#include "core/accounts/credentials.h"

#include "core/base/identifiers.h"
#include "core/base/overloaded.h"

namespace agritrace::core {
bool CredentialIndex::concerns(const Event& event) {
  return std::holds_alternative<EnterpriseRegistered>(event) ||
         std::holds_alternative<UserCreated>(event) ||
         std::holds_alternative<ApiKeyCreated>(event) ||
         std::holds_alternative<ApiKeyRotated>(event) ||
         std::holds_alternative<ApiKeyRevoked>(event) ||
         std::holds_alternative<BureauRegistered>(event) ||
         std::holds_alternative<RegulatorUserCreated>(event);
}

void CredentialIndex::apply(const std::string& tenant, const Event& event) {
  auto add_key = [&](const std::string& sha, KeyGrant grant) {
    sha_by_key_[tenant_slot(tenant, grant.key_id)] = sha;
    by_sha_[sha] = std::move(grant);
  };
  auto drop_key = [&](const std::string& key_id) -> std::optional<KeyGrant> {
    auto it = sha_by_key_.find(tenant_slot(tenant, key_id));
    if (it == sha_by_key_.end()) return std::nullopt;
    std::optional<KeyGrant> grant;
    if (auto g = by_sha_.find(it->second); g != by_sha_.end()) {
      grant = std::move(g->second);
      by_sha_.erase(g);
    }
    sha_by_key_.erase(it);
    return grant;
  };
  std::visit(Overloaded{
                 [&](const EnterpriseRegistered& e) {
                   tenants_[tenant] = true;
                   add_key(e.api_key_sha256,
                           KeyGrant{tenant, e.api_key_id, true, Access::kWrite, {}, {}});
                 },
                 [&](const UserCreated& e) {
                   auto role = parse_role(e.role, "role");
                   if (!role.ok()) return;  // a fact the rules accepted always names a known role
                   UserCredential u;
                   u.tenant = tenant;
                   u.user_id = e.user_id;
                   u.username = e.username;
                   u.role = *role;
                   u.password_hash = e.password_hash;
                   users_[tenant_slot(tenant, e.username)] = std::move(u);
                 },
                 [&](const ApiKeyCreated& e) {
                   auto access = parse_access(e.access, "access");
                   if (!access.ok()) return;
                   KeyGrant g{tenant, e.key_id, false, *access, {}, e.expires_at_ms};
                   for (const auto& name : e.areas) {
                     auto area = parse_area(name, "areas");
                     if (!area.ok()) return;
                     g.areas.push_back(*area);
                   }
                   add_key(e.api_key_sha256, std::move(g));
                 },
                 [&](const ApiKeyRotated& e) {
                   if (auto g = drop_key(e.key_id)) add_key(e.api_key_sha256, std::move(*g));
                 },
                 [&](const ApiKeyRevoked& e) { drop_key(e.key_id); },
                 // Bureaus' accounts are keyed by bureau id, which never equals a USCC
                 // (validate_bureau_id: lower case, starting with a letter).
                 [&](const BureauRegistered& e) {
                   jurisdiction_of_bureau_[e.bureau_id] = e.jurisdiction;
                 },
                 [&](const RegulatorUserCreated& e) {
                   auto role = parse_regulator_role(e.role, "role");
                   auto j = jurisdiction_of_bureau_.find(e.bureau_id);
                   if (!role.ok() || j == jurisdiction_of_bureau_.end()) return;
                   UserCredential u;
                   u.tenant = e.bureau_id;
                   u.user_id = e.user_id;
                   u.username = e.username;
                   u.password_hash = e.password_hash;
                   u.regulator = true;
                   u.regulator_role = *role;
                   u.jurisdiction = j->second;
                   users_[tenant_slot(e.bureau_id, e.username)] = std::move(u);
                 },
                 [](const auto&) {},
             },
             event);
}

void CredentialIndex::clear() {
  by_sha_.clear();
  sha_by_key_.clear();
  users_.clear();
  tenants_.clear();
  jurisdiction_of_bureau_.clear();
}

std::optional<KeyGrant> CredentialIndex::key(std::string_view sha256) const {
  auto it = by_sha_.find(std::string(sha256));
  if (it == by_sha_.end()) return std::nullopt;
  return it->second;
}

std::optional<UserCredential> CredentialIndex::user(std::string_view tenant,
                                                    std::string_view username) const {
  auto it = users_.find(tenant_slot(tenant, username));
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

bool CredentialIndex::tenant_registered(std::string_view tenant) const {
  return tenants_.find(tenant) != tenants_.end();
}

}  // namespace agritrace::core
