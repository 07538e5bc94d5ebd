// The credentials of every enterprise, folded from the accounts events: which tenant and scope an
// API key (by its SHA-256) grants, and each account's role and password hash. Pure. The single
// writer keeps one up to date before it acknowledges a command, so a key revoked by an
// acknowledged command fails at the very next request (events/writer/command_writer.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/accounts/access.h"
#include "core/domain/event.h"
#include "core/regulator/access.h"

namespace agritrace::core {

struct KeyGrant {
  std::string tenant;
  std::string key_id;
  bool administrator = false;  // the registration key: the enterprise administrator's authority
  Access access = Access::kWrite;
  std::vector<Area> areas;  // empty: every area but accounts (administrator: all)
  std::optional<int64_t> expires_at_ms;
};

struct UserCredential {
  std::string tenant;  // the enterprise; the bureau id for a regulator account
  std::string user_id;
  std::string username;
  Role role = Role::kAdministrator;
  std::string password_hash;
  // A market supervision bureau's account (issue 13, core/regulator/access.h): its role and the
  // bureau's jurisdiction ("441300" or "GBA").
  bool regulator = false;
  RegulatorRole regulator_role = RegulatorRole::kInspector;
  std::string jurisdiction;
};

class CredentialIndex {
 public:
  // Folds one event of `tenant`; events of other areas are ignored.
  void apply(const std::string& tenant, const Event& event);
  void clear();

  std::optional<KeyGrant> key(std::string_view sha256) const;
  std::optional<UserCredential> user(std::string_view tenant, std::string_view username) const;
  bool tenant_registered(std::string_view tenant) const;

  // True for the events apply() reads.
  static bool concerns(const Event& event);

 private:
  std::unordered_map<std::string, KeyGrant> by_sha_;
  std::map<std::string, std::string, std::less<>> sha_by_key_;  // tenant '\x1f' key id -> sha
  std::map<std::string, UserCredential, std::less<>> users_;    // tenant '\x1f' username
  std::map<std::string, bool, std::less<>> tenants_;
  std::map<std::string, std::string, std::less<>> jurisdiction_of_bureau_;
};

}  // namespace agritrace::core
