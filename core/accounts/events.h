// Events of accounts: the enterprise registers itself on the platform (R-4.2.8 context), its user
// accounts and its scoped API keys (issue 16: identification and authentication). Credentials are
// stored as hashes only (Argon2id for passwords, SHA-256 for API keys): never a secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/base/describe.h"

namespace agritrace::core {

// context: the enterprise itself; enterprise_id is its USCC and the tenant.
struct EnterpriseRegistered {
  static constexpr std::string_view kType = "enterprise.registered";
  std::string enterprise_id;
  std::string name;
  std::string region;          // free text, e.g. "广东省惠州市博罗县"
  std::string api_key_id;
  std::string api_key_sha256;  // hex SHA-256 of the API key; the key itself is never stored
  bool operator==(const EnterpriseRegistered&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("enterprise_id", &EnterpriseRegistered::enterprise_id),
      describe::field("name", &EnterpriseRegistered::name),
      describe::field("region", &EnterpriseRegistered::region),
      describe::field("api_key_id", &EnterpriseRegistered::api_key_id),
      describe::field("api_key_sha256", &EnterpriseRegistered::api_key_sha256));
};

// A user account of the enterprise with one role (core/accounts/access.h).
struct UserCreated {
  static constexpr std::string_view kType = "user.created";
  std::string user_id;        // "u-N"
  std::string username;       // unique in the enterprise
  std::string role;           // role_name()
  std::string password_hash;  // Argon2id, PHC string "$argon2id$v=19$m=...,t=...,p=1$salt$hash"
  bool operator==(const UserCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("user_id", &UserCreated::user_id),
      describe::field("username", &UserCreated::username),
      describe::field("role", &UserCreated::role),
      describe::field("password_hash", &UserCreated::password_hash));
};

// A scoped API key: read or write, in some areas (none listed: every area but accounts), with an
// optional expiry instant.
struct ApiKeyCreated {
  static constexpr std::string_view kType = "api_key.created";
  std::string key_id;
  std::string name;
  std::string api_key_sha256;
  std::string access;               // access_name()
  std::vector<std::string> areas;   // area_name() each; empty: all but accounts
  std::optional<int64_t> expires_at_ms;
  bool operator==(const ApiKeyCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("key_id", &ApiKeyCreated::key_id),
      describe::field("name", &ApiKeyCreated::name),
      describe::field("api_key_sha256", &ApiKeyCreated::api_key_sha256),
      describe::field("access", &ApiKeyCreated::access),
      describe::field("areas", &ApiKeyCreated::areas),
      describe::field("expires_at_ms", &ApiKeyCreated::expires_at_ms, describe::kNullWhenAbsent));
};

// The key's secret is replaced: the old one stops working at once, the scope stays.
struct ApiKeyRotated {
  static constexpr std::string_view kType = "api_key.rotated";
  std::string key_id;
  std::string api_key_sha256;
  bool operator==(const ApiKeyRotated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("key_id", &ApiKeyRotated::key_id),
      describe::field("api_key_sha256", &ApiKeyRotated::api_key_sha256));
};

// The key stops working at once, for good.
struct ApiKeyRevoked {
  static constexpr std::string_view kType = "api_key.revoked";
  std::string key_id;
  std::string reason;
  bool operator==(const ApiKeyRevoked&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("key_id", &ApiKeyRevoked::key_id),
      describe::field("reason", &ApiKeyRevoked::reason));
};

}  // namespace agritrace::core
