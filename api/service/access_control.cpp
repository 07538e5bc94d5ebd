#include "api/service/access_control.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sodium.h>

#include "api/http/problem.h"
#include "api/http/route_policy.h"
#include "api/service/service.h"
#include "core/base/digest.h"
#include "core/base/identifiers.h"

namespace agritrace::api {
namespace {

std::string b64(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Error unauthenticated(std::string reason, std::string message) {
  return make_error(ErrorCode::kUnauthenticated, std::move(reason), std::move(message),
                    "Authorization");
}

constexpr std::string_view kSessionPrefix = "ags_";

}  // namespace

Result<std::string> hash_password(Env& env, std::string_view password) {
  if (sodium_init() < 0) {
    return make_error(ErrorCode::kInternal, "crypto_unavailable", "libsodium failed to start");
  }
  unsigned char salt[crypto_pwhash_SALTBYTES];
  if (Status s = env.random_bytes(salt, sizeof salt); !s.ok()) return s.error();
  unsigned char out[32];
  const unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash(out, sizeof out, password.data(), password.size(), salt, ops, mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::kInternal, "password_hash_failed",
                      "out of memory hashing a password");
  }
  return fmt::format("$argon2id$v=19$m={},t={},p=1${}${}", mem / 1024, ops, b64(salt, sizeof salt),
                     b64(out, sizeof out));
}

bool verify_password(const std::string& phc_hash, std::string_view password) {
  if (sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(phc_hash.c_str(), password.data(), password.size()) == 0;
}

AccessControl::AccessControl(events::CommandWriter& writer, Env& env, events::AuditLog* audit,
                             AccessOptions options)
    : writer_(writer), env_(env), audit_(audit), options_(std::move(options)) {}

Result<Principal> AccessControl::identify(const HttpRequest& req) {
  std::string_view token;
  if (auto auth = req.header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!auth->starts_with(kBearer)) {
      return unauthenticated("bad_authorization", "use 'Authorization: Bearer <api key>'");
    }
    token = auth->substr(kBearer.size());
  } else if (auto x = req.header("X-API-Key")) {
    token = *x;
  } else {
    return Principal{};  // anonymous: the policy decides
  }
  const std::string sha = core::sha256_hex(token);
  Principal p;
  if (!options_.admin_key_sha256.empty() && same_secret(sha, options_.admin_key_sha256)) {
    p.kind = PrincipalKind::kPlatformOperator;
    return p;
  }
  if (token.starts_with(kSessionPrefix)) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(sha);
    if (it == sessions_.end())
      return unauthenticated("session_invalid", "the session is not valid; log in again");
    if (env_.now_ms() >= it->second.expires_at_ms) {
      sessions_.erase(it);
      return unauthenticated("session_expired", "the session has expired; log in again");
    }
    const core::UserCredential& u = it->second.user;
    p.kind = u.regulator ? PrincipalKind::kRegulator : PrincipalKind::kUser;
    p.tenant = u.tenant;
    p.id = u.user_id;
    p.name = u.username;
    p.role = u.role;
    p.session_sha256 = sha;
    if (u.regulator) {
      p.regulator_role = u.regulator_role;
      auto j = core::parse_jurisdiction(u.jurisdiction, nullptr);
      if (j.ok()) p.jurisdiction = std::move(j).value();  // else: an empty one contains nothing
    }
    return p;
  }
  auto grant = writer_.find_api_key(sha);
  if (!grant) return unauthenticated("api_key_invalid", "the API key is not valid");
  if (grant->expires_at_ms && env_.now_ms() >= *grant->expires_at_ms) {
    return unauthenticated("api_key_expired", "the API key has expired");
  }
  p.kind = PrincipalKind::kApiKey;
  p.tenant = grant->tenant;
  p.id = grant->key_id;
  p.key_administrator = grant->administrator;
  p.access = grant->access;
  p.areas = grant->areas;
  return p;
}

std::optional<HttpResponse> AccessControl::admit(HttpRequest& request, const RouteInfo& route) {
  if (!request.context) request.context = std::make_shared<RequestContext>();
  const RoutePolicy* policy = route_policy(route.name);
  if (policy == nullptr) {
    // Fail closed: a route nobody wrote a policy for is open to no one.
    return problem_response(500, "route_policy_missing", "this route has no access policy");
  }
  auto principal = identify(request);
  if (!principal.ok()) {
    if (policy->audience == Audience::kPublic) return std::nullopt;  // a bad key on a public route
    HttpResponse r = problem_from_error(principal.error());
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"agritrace\"");
    return r;
  }
  request.context->principal = std::move(principal).value();
  const core::Access access = request.method == "GET" || request.method == "HEAD"
                                  ? core::Access::kRead
                                  : core::Access::kWrite;
  if (auto refusal = check_policy(*policy, request.context->principal, access)) {
    HttpResponse r =
        problem_response(refusal->status, refusal->code, refusal->message, "Authorization");
    if (refusal->status == 401)
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"agritrace\"");
    return r;
  }
  return std::nullopt;
}

void AccessControl::answered(const HttpRequest& request, const RouteInfo* route,
                             const HttpResponse& response) {
  if (audit_ == nullptr) return;
  const std::string operation = route ? route->name : std::string("unmatched");
  const bool login = operation == "createSession" || operation == "createRegulatorSession" ||
                     operation == "deleteSession";
  const bool refused = response.status >= 400 && response.status < 500;
  const bool by_writer = request.context && request.context->audited_by_writer.load();
  if (!login && (!refused || by_writer)) return;
  events::AuditEntry e;
  e.at_ms = env_.now_ms();
  e.kind = operation == "createSession" || operation == "createRegulatorSession" ? "login"
           : operation == "deleteSession"                                         ? "logout"
                                                                                  : "request";
  if (request.context) {
    e.tenant = request.context->principal.tenant;
    e.principal = request.context->principal.label();
  } else {
    e.principal = "anonymous";
  }
  e.source = request.remote_address;
  e.operation = operation;
  e.status = response.status;
  e.result = response.status < 400 ? std::string("ok") : std::string("refused");
  if (refused) {
    // The problem's code: {"...","code":"<code>",...}
    const std::string_view body = response.body;
    const size_t at = body.find("\"code\":\"");
    if (at != std::string_view::npos) {
      const size_t start = at + 8;
      const size_t end = body.find('"', start);
      if (end != std::string_view::npos) e.result.assign(body.substr(start, end - start));
    }
  }
  // Logins are acknowledged only once their record is durable; refusals are written through to
  // the OS (a flood of them must not become a flood of fsyncs) and synced with the next command.
  Status s = audit_->append({e}, login);
  if (!s.ok()) std::fprintf(stderr, "agritrace: audit trail: %s\n", s.to_string().c_str());
}

HttpResponse AccessControl::login_refusal(const Error& error) {
  HttpResponse r = problem_from_error(error);
  if (error.reason == "login_locked") {
    r = problem_response(429, "login_locked", error.message, "username");
    const std::string& d = error.details_json;
    r.headers.emplace_back("Retry-After", d.substr(d.find(':') + 1));
  } else {
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"agritrace\"");
  }
  return r;
}

Result<AccessControl::Login> AccessControl::login(const std::string& tenant,
                                                  const std::string& username,
                                                  std::string_view password, Principal* seen,
                                                  bool regulator) {
  seen->tenant = tenant;
  seen->name = username;
  const std::string key = core::tenant_slot(tenant, username);
  const int64_t now = env_.now_ms();
  {
    std::lock_guard lock(mu_);
    auto it = throttles_.find(key);
    if (it != throttles_.end() && it->second.locked_until_ms > now) {
      const int64_t secs = (it->second.locked_until_ms - now + 999) / 1000;
      Error e =
          make_error(ErrorCode::kUnauthenticated, "login_locked",
                     fmt::format("too many failed logins: try again in {} s", secs), "username");
      e.details_json = fmt::format("\"retry_after_seconds\":{}", secs);
      return e;
    }
  }
  auto user = writer_.find_user(tenant, username);
  // An enterprise account logs in at POST /v1/sessions, a bureau's at POST
  // /v1/regulator/sessions; the other route does not know it.
  if (user && user->regulator != regulator) user.reset();
  // Unknown accounts are refused like wrong passwords, after as long (no hint which one it was).
  std::call_once(decoy_once_, [this] {
    auto h = hash_password(env_, "decoy-Password-0");
    if (h.ok()) decoy_hash_ = *h;
  });
  bool ok = false;
  if (user) {
    ok = verify_password(user->password_hash, password);
  } else {
    (void)verify_password(decoy_hash_, password);
  }
  std::lock_guard lock(mu_);
  if (!ok) {
    // Bounded memory: forget stale failures when the table grows large.
    if (throttles_.size() > 100000) {
      for (auto it = throttles_.begin(); it != throttles_.end();) {
        it = it->second.locked_until_ms <= now ? throttles_.erase(it) : std::next(it);
      }
    }
    Throttle& t = throttles_[key];
    if (++t.failures >= options_.max_login_failures) {
      t.failures = 0;
      t.locked_until_ms = now + options_.lockout_ms;
    }
    return make_error(ErrorCode::kUnauthenticated, "login_failed",
                      "the username or the password is wrong", "password");
  }
  throttles_.erase(key);
  auto token = random_token(env_, kSessionPrefix);
  if (!token.ok()) return token.error();
  Login out{std::move(token).value(), now + options_.session_ttl_ms, *user};
  sessions_[core::sha256_hex(out.token)] = Session{*user, out.expires_at_ms};
  seen->kind = user->regulator ? PrincipalKind::kRegulator : PrincipalKind::kUser;
  seen->id = user->user_id;
  seen->role = user->role;
  seen->regulator_role = user->regulator_role;
  return out;
}

void AccessControl::logout(const Principal& principal) {
  std::lock_guard lock(mu_);
  if (!principal.session_sha256.empty()) sessions_.erase(principal.session_sha256);
}

}  // namespace agritrace::api
