// End to end on both ledgers (issue 16, GB/T 22239 level 2): the enterprise's administrator from
// its registration, user accounts with password rules, login sessions, lock-out, logout, scoped
// API keys (rotated and revoked: the next request fails), roles enforced before the handlers and
// the audit trail with its tenant isolation.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rocksdb/db.h>

#include <string>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kBossPassword = "Green-Field-2024!";

Reply login(uint16_t port, const std::string& tenant, const std::string& user,
            const std::string& password) {
  return ApiClient(port).post(
      "/v1/sessions", fmt::format(R"({{"enterprise_id":"{}","username":"{}","password":"{}"}})",
                                  tenant, user, password));
}

std::string session(uint16_t port, const std::string& tenant, const std::string& user,
                    const std::string& password) {
  Reply r = login(port, tenant, user, password);
  INFO(r.body);
  REQUIRE(r.status == 201);
  CHECK(r.str("/token").starts_with("ags_"));
  CHECK(r.str("/username") == user);
  return r.str("/token");
}

bool audit_has(const Reply& audit, const std::string& needle) {
  return audit.body.find(needle) != std::string::npos;
}

void accounts_slice(Backend backend) {
  TestApp app(backend);
  const uint16_t port = app.port();
  ApiClient platform(port, kAdminKey);

  // Registration creates the enterprise's administrator (password rules apply, hash only).
  Reply weak = platform.post(
      "/v1/enterprises",
      fmt::format(
          R"({{"uscc":"{}","name":"东莞市鲜达农产品加工有限公司","region":"广东省","administrator":{{"username":"boss","password":"short"}}}})",
          kPlantUscc));
  check_problem(weak, 422, "password_length", "administrator.password");
  Reply reg = platform.post(
      "/v1/enterprises",
      fmt::format(
          R"({{"uscc":"{}","name":"东莞市鲜达农产品加工有限公司","region":"广东省","administrator":{{"username":"boss","password":"{}"}}}})",
          kPlantUscc, kBossPassword));
  INFO(reg.body);
  REQUIRE(reg.status == 201);
  CHECK(reg.str("/events/1/type") == "user.created");
  CHECK(reg.body.find(kBossPassword) == std::string::npos);
  ApiClient registration_key(port, reg.str("/api_key"));

  ApiClient boss(port, session(port, kPlantUscc, "boss", kBossPassword));
  CHECK(boss.get("/v1/enterprise").status == 200);

  // Users: rules on passwords and names, one role each.
  check_problem(boss.post("/v1/accounts/users",
                          R"({"username":"seller","password":"seller-Pass-123","role":"sales"})"),
                422, "password_contains_username", "password");
  check_problem(
      boss.post("/v1/accounts/users",
                R"({"username":"seller","password":"onlylowercaseletters","role":"sales"})"),
      422, "password_too_simple", "password");
  check_problem(boss.post("/v1/accounts/users",
                          R"({"username":"seller","password":"Market-Day-2024","role":"cashier"})"),
                422, "role_unknown", "role");
  Reply created = boss.post("/v1/accounts/users",
                            R"({"username":"seller","password":"Market-Day-2024","role":"sales"})");
  INFO(created.body);
  REQUIRE(created.status == 201);
  CHECK(created.str("/id") == "u-2");
  check_problem(boss.post("/v1/accounts/users",
                          R"({"username":"seller","password":"Market-Day-2025","role":"sales"})"),
                409, "username_taken", "username");

  // Least privilege, before the handler runs.
  ApiClient seller(port, session(port, kPlantUscc, "seller", "Market-Day-2024"));
  CHECK(seller.get("/v1/sales-orders").status == 200);
  check_problem(seller.get("/v1/finance/entries"), 403, "role_forbidden", "Authorization");
  check_problem(seller.post("/v1/batches", "{}"), 403, "role_forbidden", "Authorization");
  check_problem(
      seller.post("/v1/accounts/users", R"({"username":"x","password":"y","role":"sales"})"), 403,
      "role_forbidden", "Authorization");
  check_problem(seller.get("/v1/audit"), 403, "administrator_required", "Authorization");
  // The platform operator owns no enterprise records.
  check_problem(platform.get("/v1/sales-orders"), 403, "enterprise_key_required", "Authorization");

  // Lock-out: five failures lock the account (even the right password is refused then).
  for (int n = 0; n < 5; ++n)
    check_problem(login(port, kPlantUscc, "seller", "Wrong-Pass-0000"), 401, "login_failed",
                  "password");
  Reply locked = login(port, kPlantUscc, "seller", "Market-Day-2024");
  check_problem(locked, 429, "login_locked", "username");
  CHECK(!locked.header("Retry-After").empty());
  // Unknown accounts answer exactly like wrong passwords.
  check_problem(login(port, kPlantUscc, "nobody", "Wrong-Pass-0000"), 401, "login_failed",
                "password");

  // Logout ends the session at once; the sessions of others stay.
  Reply out = seller.request("DELETE", "/v1/sessions/current");
  CHECK(out.status == 204);
  check_problem(seller.get("/v1/sales-orders"), 401, "session_invalid", "Authorization");
  CHECK(boss.get("/v1/enterprise").status == 200);
  check_problem(registration_key.request("DELETE", "/v1/sessions/current"), 400, "session_required",
                "Authorization");

  // Scoped keys: read-only on codes and trace.
  Reply made = boss.post(
      "/v1/api-keys",
      R"({"name":"scanner","access":"read","areas":["codes","trace"],"expires_in_days":30})");
  INFO(made.body);
  REQUIRE(made.status == 201);
  const std::string key_id = made.str("/api_key_id");
  ApiClient scanner(port, made.str("/api_key"));
  CHECK(scanner.get("/v1/code-templates").status == 200);
  check_problem(scanner.post("/v1/code-templates", "{}"), 403, "key_scope_forbidden",
                "Authorization");
  check_problem(scanner.get("/v1/sales-orders"), 403, "key_scope_forbidden", "Authorization");
  check_problem(boss.post("/v1/api-keys", R"({"name":"k","access":"write","areas":["accounts"]})"),
                422, "area_not_for_keys", "areas");

  // Rotation: the old secret fails at once, the new one works with the same scope.
  Reply rotated = boss.post("/v1/api-keys/" + key_id + "/rotate", "");
  INFO(rotated.body);
  REQUIRE(rotated.status == 200);
  check_problem(scanner.get("/v1/code-templates"), 401, "api_key_invalid", "Authorization");
  scanner.set_key(rotated.str("/api_key"));
  CHECK(scanner.get("/v1/code-templates").status == 200);
  check_problem(scanner.get("/v1/sales-orders"), 403, "key_scope_forbidden", "Authorization");

  // Revocation: the very next request fails.
  Reply revoked = boss.post("/v1/api-keys/" + key_id + "/revoke", R"({"reason":"scanner lost"})");
  INFO(revoked.body);
  REQUIRE(revoked.status == 200);
  check_problem(scanner.get("/v1/code-templates"), 401, "api_key_invalid", "Authorization");
  check_problem(boss.post("/v1/api-keys/" + key_id + "/revoke", ""), 409, "api_key_revoked",
                "key_id");

  // The registration key keeps its administrator authority (existing clients go on working).
  CHECK(registration_key.post("/v1/api-keys", R"({"name":"erp","access":"write"})").status == 201);

  // The audit trail: commands, logins and failures, refusals, with the source address.
  Reply audit = boss.get("/v1/audit?limit=1000");
  INFO(audit.body);
  REQUIRE(audit.status == 200);
  CHECK(audit_has(audit, R"("kind":"login","tenant":")" + std::string(kPlantUscc)));
  CHECK(audit_has(audit, R"("principal":"anonymous:seller","source":"127.0.0.1:)"));
  CHECK(audit_has(audit, R"("result":"login_failed")"));
  CHECK(audit_has(audit, R"("result":"login_locked")"));
  CHECK(audit_has(
            audit,
            R"("operation":"create_user","status":422,"result":"password_contains_username")") ==
        false);  // refused before the writer: audited as a request
  CHECK(audit_has(
      audit, R"("operation":"createUser","status":422,"result":"password_contains_username")"));
  CHECK(audit_has(audit, R"("principal":"user:u-1","source":"127.0.0.1:)"));
  CHECK(audit_has(audit, R"("operation":"create_user","result":"accepted")"));
  CHECK(audit_has(audit, R"("operation":"create_user","status":409,"result":"username_taken")"));
  CHECK(audit_has(audit, R"("status":403,"result":"role_forbidden")"));
  CHECK(audit_has(audit, R"("operation":"revoke_api_key","result":"accepted")"));
  CHECK(audit_has(audit, R"("kind":"logout")"));
  CHECK(audit_has(audit, R"("status":401,"result":"api_key_invalid")") ==
        false);  // no tenant known
  // Paging.
  Reply first = boss.get("/v1/audit?limit=2");
  REQUIRE(first.status == 200);
  CHECK(first.size("/records") == 2);
  Reply next =
      boss.get("/v1/audit?limit=2&after_seq=" + std::to_string(first.num("/next_after_seq")));
  CHECK(next.num("/records/0/seq") > first.num("/next_after_seq"));

  // Own tenant only; the platform operator sees every tenant and the unauthenticated refusals.
  ApiClient other = app.enterprise(kRetailUscc, "广州市天河区鲜果超市有限公司");
  Reply theirs = other.get("/v1/audit?limit=1000");
  REQUIRE(theirs.status == 200);
  CHECK(theirs.body.find(kPlantUscc) == std::string::npos);
  check_problem(other.get(std::string("/v1/audit?tenant=") + kPlantUscc), 403, "tenant_forbidden",
                "tenant");
  Reply all = platform.get("/v1/audit?limit=1000");
  REQUIRE(all.status == 200);
  CHECK(audit_has(all, R"("status":401,"result":"api_key_invalid")"));
  CHECK(audit_has(all, kRetailUscc));
  Reply one = platform.get(std::string("/v1/audit?limit=1000&tenant=") + kRetailUscc);
  CHECK(one.body.find(kPlantUscc) == std::string::npos);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "accounts: administrator, users, sessions, lock-out, scoped keys, roles, audit", accounts_slice)

TEST_CASE("serve refuses to start on an altered audit trail, naming the record [embedded]") {
  TestLedger ledger(Backend::kEmbedded);
  {
    ServerProcess server(ledger.flags());
    server.start();
    register_enterprise(server.port(), kPlantUscc, "鲜达");
    CHECK(server.stop() == 0);
  }
  {
    // Someone with access to the data folder edits the second record (the registration).
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), ledger.data.path() + "/audit", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string v;
    REQUIRE(db->Get(rocksdb::ReadOptions(), "r00000000000000000002", &v).ok());
    const size_t at = v.find("\"accepted\"");
    REQUIRE(at != std::string::npos);
    v.replace(at, 10, "\"rejected\"");
    REQUIRE(db->Put(rocksdb::WriteOptions(), "r00000000000000000002", v).ok());
  }
  RunResult r = run_program({"/usr/bin/timeout", "30", AGRITRACE_BINARY, "serve", "--data", ledger.data.path(),
                             "--listen", "127.0.0.1:0"},
                            {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
  INFO(r.out);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code != 124);  // it stopped by itself, it was not left serving
  CHECK(r.out.find("audit_chain_broken") != std::string::npos);
  CHECK(r.out.find("audit record 2") != std::string::npos);
}

}  // namespace agritrace::testing
