// AccessControl (api/service/access_control.h) on a controlled clock: session expiry, lock-out
// and its end, key expiry; Argon2id hashes from the Env's random bytes. Real embedded ledger and
// command writer, no HTTP (the routes are tested end to end in tests/e2e/accounts).
#include "api/service/access_control.h"

#include <doctest/doctest.h>

#include <future>

#include "api/http/route_policy.h"
#include "core/base/digest.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "tests/support/fault_ledger.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kPlant = "91441900MA51ABCD7J";

Status run(events::CommandWriter& w, std::string tenant, core::Command c) {
  std::promise<Status> done;
  events::CommandSubmission sub;
  sub.command_name = "test";
  sub.tenant = std::move(tenant);
  sub.actor = "admin";
  sub.command = std::move(c);
  sub.done = [&done](Result<events::CommandOutcome> r) {
    done.set_value(r.ok() ? Status::Ok() : Status(r.error()));
  };
  w.submit(std::move(sub));
  return done.get_future().get();
}

api::HttpRequest bearer(const std::string& token) {
  api::HttpRequest r;
  r.method = "GET";
  r.headers.emplace_back("Authorization", "Bearer " + token);
  return r;
}

}  // namespace

TEST_CASE("access control: sessions expire, lock-out ends, keys expire, on the Env's clock") {
  FaultLedgerRig rig(7);  // a real embedded ledger (no fault injected) and a controlled Env
  events::ControlledEnv& env = rig.env;
  env.set_now_ms(test_now_ms());
  events::CommandWriterOptions wo;
  wo.env = &env;
  auto writer = events::start_command_writer(*rig.ledger, wo);
  REQUIRE(writer.ok());

  auto hash = api::hash_password(env, "Green-Field-2024");
  REQUIRE(hash.ok());
  CHECK(hash->starts_with("$argon2id$v=19$m=65536,t=2,p=1$"));
  CHECK(api::verify_password(*hash, "Green-Field-2024"));
  CHECK(!api::verify_password(*hash, "Green-Field-2025"));
  REQUIRE(run(**writer, kPlant,
              core::RegisterEnterprise{kPlant, "鲜达", "广东省", "key_reg", std::string(64, 'a'),
                                       "boss", *hash})
              .ok());
  const int64_t t0 = env.now_ms();
  REQUIRE(run(**writer, kPlant,
              core::CreateApiKey{
                  "key_tmp", "tmp", core::sha256_hex("agk_tmp"), "read", {}, t0 + 60'000})
              .ok());

  api::AccessOptions options;
  options.session_ttl_ms = 3'600'000;
  api::AccessControl access(**writer, env, nullptr, options);
  const api::RouteInfo get_enterprise{"GET", "/v1/enterprise", "getEnterprise"};

  api::Principal seen;
  auto login = access.login(kPlant, "boss", "Green-Field-2024", &seen);
  REQUIRE(login.ok());
  CHECK(seen.label() == "user:u-1");
  CHECK(login->expires_at_ms == t0 + 3'600'000);
  api::HttpRequest req = bearer(login->token);
  CHECK(!access.admit(req, get_enterprise));
  CHECK(req.context->principal.role == core::Role::kAdministrator);

  // The key works until its expiry instant.
  api::HttpRequest with_key = bearer("agk_tmp");
  CHECK(!access.admit(with_key, get_enterprise));
  env.advance_ms(60'000);
  auto expired_key = access.admit(with_key, get_enterprise);
  REQUIRE(expired_key);
  CHECK(expired_key->status == 401);
  CHECK(expired_key->body.find("api_key_expired") != std::string::npos);

  // Five failures lock the account for 15 minutes, then it opens again.
  for (int n = 0; n < 5; ++n)
    CHECK(access.login(kPlant, "boss", "wrong", &seen).error().reason == "login_failed");
  CHECK(access.login(kPlant, "boss", "Green-Field-2024", &seen).error().reason == "login_locked");
  env.advance_ms(15 * 60'000 - 1);
  CHECK(access.login(kPlant, "boss", "Green-Field-2024", &seen).error().reason == "login_locked");
  env.advance_ms(1);
  CHECK(access.login(kPlant, "boss", "Green-Field-2024", &seen).ok());

  // The first session ends an hour after its login.
  env.set_now_ms(t0 + 3'600'000);
  api::HttpRequest late = bearer(login->token);
  auto refused = access.admit(late, get_enterprise);
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(refused->body.find("session_expired") != std::string::npos);

  // A failed draw of random bytes is a refusal, never a weaker salt or token.
  env.fail_random(true);
  CHECK(!api::hash_password(env, "Green-Field-2024").ok());
  (*writer)->stop();
}

}  // namespace agritrace::testing
