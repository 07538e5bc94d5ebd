// AccessControl: identification, authentication and access control of every request (issue 16,
// GB/T 22239 level 2), as the router's guard (api/http/router.h):
//  - who: the platform administrator key (the platform operator), an enterprise API key (the
//    registration key = administrator; scoped keys: read/write, areas, expiry) or a login session
//    of an enterprise user (POST /v1/sessions; token from the Env's CSPRNG, expiry by the Env's
//    clock). Keys and accounts are read from the single writer's credential index, so a key
//    revoked by an acknowledged command fails at the very next request.
//  - may they: the one route policy (api/http/route_policy.h), before any handler runs.
//  - audit: every refused (4xx) request, every login, logout and failure, into the chained audit
//    trail (events/audit/audit_log.h); commands are audited by the writer itself.
// Passwords: Argon2id (libsodium crypto_pwhash, salt from the Env), 5 failed logins of an account
// lock it for 15 minutes (429 `login_locked` with Retry-After).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "api/http/principal.h"
#include "api/http/router.h"
#include "core/base/env.h"
#include "events/audit/audit_log.h"
#include "events/writer/command_writer.h"

namespace agritrace::api {

struct AccessOptions {
  std::string admin_key_sha256;                // the platform operator's key (hex SHA-256)
  int64_t session_ttl_ms = 8LL * 3600 * 1000;  // a session ends 8 h after login
  int32_t max_login_failures = 5;              // consecutive failures that lock an account
  int64_t lockout_ms = 15LL * 60 * 1000;       // for 15 minutes
};

// Argon2id hash of a password as a PHC string; the salt from env's CSPRNG.
Result<std::string> hash_password(Env& env, std::string_view password);
bool verify_password(const std::string& phc_hash, std::string_view password);

class AccessControl final : public RouteGuard {
 public:
  AccessControl(events::CommandWriter& writer, Env& env, events::AuditLog* audit,
                AccessOptions options);

  std::optional<HttpResponse> admit(HttpRequest& request, const RouteInfo& route) override;
  void answered(const HttpRequest& request, const RouteInfo* route,
                const HttpResponse& response) override;

  // POST /v1/sessions: checks the password (and the lock-out), opens a session.
  struct Login {
    std::string token;
    int64_t expires_at_ms = 0;
    core::UserCredential user;
  };
  // `regulator`: a bureau's account (tenant = bureau id) instead of an enterprise's.
  Result<Login> login(const std::string& tenant, const std::string& username,
                      std::string_view password, Principal* seen, bool regulator = false);
  // DELETE /v1/sessions/current.
  void logout(const Principal& principal);
  // The answer to a refused login (enterprise or bureau account): 429 with Retry-After when the
  // account is locked, otherwise the error's problem with a WWW-Authenticate challenge.
  static HttpResponse login_refusal(const Error& error);

 private:
  Result<Principal> identify(const HttpRequest& request);

  struct Session {
    core::UserCredential user;
    int64_t expires_at_ms = 0;
  };
  struct Throttle {
    int32_t failures = 0;
    int64_t locked_until_ms = 0;
  };

  events::CommandWriter& writer_;
  Env& env_;
  events::AuditLog* audit_;
  AccessOptions options_;
  std::mutex mu_;
  std::map<std::string, Session, std::less<>> sessions_;    // SHA-256 of the token
  std::map<std::string, Throttle, std::less<>> throttles_;  // tenant '\x1f' username
  std::once_flag decoy_once_;
  std::string decoy_hash_;  // verified against for unknown usernames: the same time as a real one
};

}  // namespace agritrace::api
