// Commands of accounts (R-4.2.8 context, issue 16); rules in core/accounts/rules.h. Passwords
// arrive already hashed (Argon2id, by the API) and API keys as their SHA-256: no secret reaches
// the rules or the ledger.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agritrace::core {

struct RegisterEnterprise {
  std::string enterprise_id;  // the USCC; must equal Context::tenant
  std::string name;
  std::string region;
  std::string api_key_id;
  std::string api_key_sha256;
  // The enterprise's first administrator account; both empty: none (the registration key is
  // then the administrator's credential).
  std::string admin_username = {};
  std::string admin_password_hash = {};
};

struct CreateUser {
  std::string username;
  std::string role;
  std::string password_hash;
};

struct CreateApiKey {
  std::string key_id;  // drawn by the API from the Env's CSPRNG
  std::string name;
  std::string api_key_sha256;
  std::string access;
  std::vector<std::string> areas;
  std::optional<int64_t> expires_at_ms;
};

struct RotateApiKey {
  std::string key_id;
  std::string api_key_sha256;
};

struct RevokeApiKey {
  std::string key_id;
  std::string reason;
};

}  // namespace agritrace::core
