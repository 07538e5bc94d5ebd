// End to end on both ledgers (issue 13): bureaus registered by the platform operator, their
// accounts and login, the jurisdiction access policy (a city's bureau never reads another city's
// entities; the Greater Bay Area's reads both, masked), R-4.5.1 entity filing with amendments,
// the link to the enterprise account, and the webhooks re-pointed to supervisors.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "core/base/pii.h"
#include "events/ledger/ledger.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kPassword = "Market-Watch-2024";

bool flag(const Reply& r, const std::string& pointer) {
  simdjson::dom::parser parser;
  bool value = false;
  const auto error = parser.parse(r.body).at_pointer(pointer).get(value);
  INFO(pointer << " in " << r.body);
  REQUIRE(!error);
  return value;
}

// A read that waits until the views include `position` (the regulators' last write: all their
// commands are one tenant's, in one partition).
Reply fresh(ApiClient& c, const std::string& target, const std::string& position) {
  const char sep = target.find('?') == std::string::npos ? '?' : '&';
  return c.get(target + sep + "after=" + position + "&wait_ms=20000");
}

std::string regulator_session(uint16_t port, const std::string& bureau, const std::string& user) {
  Reply r = ApiClient(port).post(
      "/v1/regulator/sessions",
      fmt::format(R"({{"bureau_id":"{}","username":"{}","password":"{}"}})", bureau, user,
                  kPassword));
  INFO(r.body);
  REQUIRE(r.status == 201);
  CHECK(r.str("/bureau_id") == bureau);
  return r.str("/token");
}

void add_user(ApiClient& by, const std::string& bureau, const std::string& user,
              const std::string& role) {
  Reply r = by.post("/v1/regulator/bureaus/" + bureau + "/users",
                    fmt::format(R"({{"username":"{}","password":"{}","role":"{}"}})", user,
                                kPassword, role));
  INFO(r.body);
  REQUIRE(r.status == 201);
}

std::string wholesaler(const std::string& division, const std::string& uscc = kRetailUscc) {
  return fmt::format(
      R"({{"name":"广州江南果菜批发有限公司","premises_type":"wholesale","uscc":"{}","division":"{}","address":"广州市白云区江南大道","legal_representative":"刘洋","contact_person":"刘洋","phone":"13711112222"}})",
      uscc, division);
}

std::string trader(const std::string& division) {
  return fmt::format(
      R"({{"name":"陈记蔬菜档","premises_type":"retail","id_number":"{}","division":"{}","address":"农贸市场 12 号","contact_person":"陈国强","phone":"13800138000"}})",
      kPersonId, division);
}

void regulator_slice(Backend backend) {
  TestApp app(backend);
  const uint16_t port = app.port();
  ApiClient platform(port, kAdminKey);
  // An enterprise on the platform (Guangzhou) - the wholesaler's account.
  ApiClient retail = app.enterprise(kRetailUscc, "广州江南果菜批发有限公司", "广东省广州市白云区");

  // ---- bureaus: the platform operator only ----
  check_problem(
      retail.post("/v1/regulator/bureaus",
                  R"({"bureau_id":"gz-amr","name":"广州市市场监督管理局","jurisdiction":"440100"})"),
      403, "admin_key_required", "Authorization");
  check_problem(
      platform.post("/v1/regulator/bureaus",
                    R"({"bureau_id":"xx-amr","name":"无此地","jurisdiction":"449999"})"),
      422, "jurisdiction_unknown", "jurisdiction");
  for (const char* body :
       {R"({"bureau_id":"gz-amr","name":"广州市市场监督管理局","jurisdiction":"440100"})",
        R"({"bureau_id":"sz-amr","name":"深圳市市场监督管理局","jurisdiction":"440300"})",
        R"({"bureau_id":"gba-amr","name":"大湾区食品安全协调办公室","jurisdiction":"GBA"})"}) {
    Reply r = platform.post("/v1/regulator/bureaus", body);
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(r.str("/events/0/type") == "bureau.registered");
  }
  check_problem(
      platform.post("/v1/regulator/bureaus",
                    R"({"bureau_id":"gz-amr","name":"again","jurisdiction":"440100"})"),
      409, "bureau_exists", "bureau_id");
  add_user(platform, "gz-amr", "li.sup", "supervisor");
  add_user(platform, "gz-amr", "zhao.insp", "inspector");
  add_user(platform, "sz-amr", "chen.sup", "supervisor");
  add_user(platform, "gba-amr", "he.sup", "supervisor");

  // ---- login: a bureau's account at the regulator route only ----
  check_problem(ApiClient(port).post(
                    "/v1/sessions",
                    fmt::format(R"({{"enterprise_id":"gz-amr","username":"li.sup","password":"{}"}})",
                                kPassword)),
                401, "login_failed", "password");
  check_problem(
      ApiClient(port).post(
          "/v1/regulator/sessions",
          R"({"bureau_id":"gz-amr","username":"li.sup","password":"Wrong-Password-1"})"),
      401, "login_failed", "password");
  ApiClient gz(port, regulator_session(port, "gz-amr", "li.sup"));
  ApiClient gz_inspector(port, regulator_session(port, "gz-amr", "zhao.insp"));
  ApiClient sz(port, regulator_session(port, "sz-amr", "chen.sup"));
  ApiClient gba(port, regulator_session(port, "gba-amr", "he.sup"));
  Reply me = gz_inspector.get("/v1/regulator/bureau");
  INFO(me.body);
  REQUIRE(me.status == 200);
  CHECK(me.str("/jurisdiction") == "440100");
  CHECK(me.str("/role") == "inspector");
  CHECK(me.body.find("\"file_entities\"") == std::string::npos);
  CHECK(me.body.find("\"record_inspections\"") != std::string::npos);
  CHECK(gba.get("/v1/regulator/bureau").size("/divisions") == 11);

  // A supervisor manages its own bureau's accounts; an inspector none.
  add_user(gz, "gz-amr", "wu.insp", "inspector");
  check_problem(gz.post("/v1/regulator/bureaus/sz-amr/users",
                        R"({"username":"mole","password":"Market-Watch-2024","role":"supervisor"})"),
                403, "bureau_forbidden", "bureau_id");
  check_problem(gz_inspector.post(
                    "/v1/regulator/bureaus/gz-amr/users",
                    R"({"username":"mole","password":"Market-Watch-2024","role":"supervisor"})"),
                403, "regulator_role_forbidden", "Authorization");

  // ---- R-4.5.1 filing: supervisors, inside the jurisdiction ----
  check_problem(gz_inspector.post("/v1/regulator/entities", wholesaler("440111")), 403,
                "regulator_role_forbidden", "Authorization");
  check_problem(gz.post("/v1/regulator/entities", wholesaler("440305")), 403,
                "outside_jurisdiction", "division");
  check_problem(gz.post("/v1/regulator/entities", wholesaler("440111", "91440101MA59XYW12C")), 422,
                "uscc_check_failed", "uscc");
  check_problem(gz.post("/v1/regulator/entities", wholesaler("449999")), 422, "division_unknown",
                "division");
  Reply filed = gz.post("/v1/regulator/entities", wholesaler("440111"));
  INFO(filed.body);
  REQUIRE(filed.status == 201);
  const std::string wholesaler_id = filed.str("/id");
  CHECK(filed.str("/events/0/type") == "regulated_entity.filed");
  Reply filed_trader = gz.post("/v1/regulator/entities", trader("440106"));
  REQUIRE(filed_trader.status == 201);
  const std::string trader_id = filed_trader.str("/id");
  Reply filed_sz = sz.post("/v1/regulator/entities", trader("440305").replace(
                                                        trader("440305").find(kPersonId), 18,
                                                        "11010519491231002X"));
  INFO(filed_sz.body);
  REQUIRE(filed_sz.status == 201);
  const std::string sz_id = filed_sz.str("/id");
  check_problem(gba.post("/v1/regulator/entities", wholesaler("440106")), 409, "entity_duplicate",
                "uscc");

  // ---- the jurisdiction policy on reads ----
  const std::string last = filed_sz.header("X-Agritrace-Position");
  Reply gz_list = fresh(gz, "/v1/regulator/entities", last);
  INFO(gz_list.body);
  REQUIRE(gz_list.status == 200);
  REQUIRE(gz_list.size("/items") == 2);
  CHECK(gz_list.body.find(sz_id) == std::string::npos);
  // Ordered by division: Tianhe (440106) before Baiyun (440111).
  CHECK(gz_list.str("/items/0/entity_id") == trader_id);
  CHECK(gz_list.str("/items/0/id_number") == kPersonId);  // the filing bureau sees it in full
  CHECK(gz_list.str("/items/1/phone") == "13711112222");
  CHECK(flag(gz_list, "/items/1/on_platform"));
  CHECK(gz_list.str("/items/1/enterprise_id") == kRetailUscc);
  CHECK(!flag(gz_list, "/items/0/on_platform"));  // not on the platform: filed all the same

  Reply sz_list = fresh(sz, "/v1/regulator/entities", last);
  REQUIRE(sz_list.status == 200);
  REQUIRE(sz_list.size("/items") == 1);
  CHECK(sz_list.str("/items/0/entity_id") == sz_id);
  check_problem(fresh(sz, "/v1/regulator/entities/" + wholesaler_id, last), 404, "entity_not_found",
                "entity_id");
  check_problem(fresh(sz, "/v1/regulator/entities?division=440100", last), 403,
                "outside_jurisdiction", "division");
  check_problem(sz.put("/v1/regulator/entities/" + wholesaler_id, wholesaler("440305")), 404,
                "entity_not_found", "entity_id");

  // The Greater Bay Area's bureau reads both cities, personal data masked (it filed none).
  Reply gba_list = fresh(gba, "/v1/regulator/entities", last);
  INFO(gba_list.body);
  REQUIRE(gba_list.status == 200);
  REQUIRE(gba_list.size("/items") == 3);
  CHECK(gba_list.str("/items/0/id_number") == "441322********1238");
  CHECK(flag(gba_list, "/items/0/personal_data_masked"));
  CHECK(gba_list.str("/items/0/contact_person") == "陈**");
  CHECK(gba_list.str("/items/1/phone") == "137****2222");
  CHECK(gba_list.body.find(kPersonId) == std::string::npos);
  CHECK(gba_list.body.find("13800138000") == std::string::npos);
  // Filtered by division, paged.
  Reply gz_only = fresh(gba, "/v1/regulator/entities?division=440100", last);
  CHECK(gz_only.size("/items") == 2);
  Reply page1 = fresh(gba, "/v1/regulator/entities?limit=2", last);
  REQUIRE(page1.size("/items") == 2);
  Reply page2 = fresh(gba, "/v1/regulator/entities?limit=2&after_id=" + page1.str("/next_after"), last);
  INFO(page2.body);
  REQUIRE(page2.size("/items") == 1);
  CHECK(page2.str("/items/0/entity_id") == sz_id);
  CHECK(page2.body.find("\"next_after\":null") != std::string::npos);

  // ---- amendments as events ----
  std::string amended_body = wholesaler("440106");
  amended_body.replace(amended_body.find("\"contact_person\":\"刘洋\""),
                       std::string("\"contact_person\":\"刘洋\"").size(),
                       "\"contact_person\":\"王芳\"");
  Reply amended = gz.put("/v1/regulator/entities/" + wholesaler_id, amended_body);
  INFO(amended.body);
  REQUIRE(amended.status == 200);
  CHECK(amended.str("/events/0/type") == "regulated_entity.amended");
  Reply one = gz.get_fresh("/v1/regulator/entities/" + wholesaler_id);
  REQUIRE(one.status == 200);
  CHECK(one.str("/division") == "440106");
  CHECK(one.str("/contact_person") == "王芳");
  CHECK(one.num("/amendments") == 1);
  CHECK(one.str("/filed_by") == "gz-amr");
  CHECK(gz.get_fresh("/v1/regulator/entities?division=440111").size("/items") == 0);
  CHECK(gz.get_fresh("/v1/regulator/entities?division=440106").size("/items") == 2);
  // Inspectors read the jurisdiction too.
  CHECK(gz_inspector.get_fresh("/v1/regulator/entities/" + wholesaler_id).status == 200);

  // ---- an enterprise never reaches a regulator route; a regulator never an enterprise one ----
  check_problem(retail.get("/v1/regulator/entities"), 403, "regulator_required", "Authorization");
  check_problem(retail.get("/v1/regulator/entities/" + wholesaler_id), 403, "regulator_required",
                "Authorization");
  check_problem(gz.get("/v1/counterparties"), 403, "enterprise_key_required", "Authorization");
  check_problem(gz.post("/v1/counterparties", enterprise_supplier_body(kFarmUscc)), 403,
                "enterprise_key_required", "Authorization");
  check_problem(gz.get("/v1/enterprise"), 403, "enterprise_key_required", "Authorization");
  check_problem(platform.get("/v1/regulator/entities"), 403, "regulator_required",
                "Authorization");

  // ---- webhooks: a supervisor inside its jurisdiction; the platform operator anywhere ----
  check_problem(gz.post("/v1/regulator/webhooks",
                        R"({"jurisdiction":"440300","url":"http://127.0.0.1:9/h","secret":"0123456789abcdef"})"),
                403, "outside_jurisdiction", "jurisdiction");
  check_problem(gz_inspector.post("/v1/regulator/webhooks",
                                  R"({"jurisdiction":"440106","url":"http://127.0.0.1:9/h","secret":"0123456789abcdef"})"),
                403, "regulator_role_forbidden", "Authorization");
  Reply hook = gz.post("/v1/regulator/webhooks",
                       R"({"jurisdiction":"440106","url":"http://127.0.0.1:9/h","secret":"0123456789abcdef"})");
  INFO(hook.body);
  REQUIRE(hook.status == 201);
  const std::string hook_id = hook.str("/id");
  CHECK(gz.get("/v1/regulator/webhooks").size("/webhooks") == 1);
  CHECK(sz.get("/v1/regulator/webhooks").size("/webhooks") == 0);
  check_problem(sz.get("/v1/regulator/webhooks/" + hook_id), 404, "webhook_not_found",
                "webhook_id");
  CHECK(gba.get("/v1/regulator/webhooks/" + hook_id).status == 200);
  CHECK(platform.get("/v1/regulator/webhooks").size("/webhooks") == 1);

  // Logout ends a regulator's session.
  CHECK(gz_inspector.request("DELETE", "/v1/sessions/current").status == 204);
  check_problem(gz_inspector.get("/v1/regulator/bureau"), 401, "session_invalid", "Authorization");

  // The audit trail: the bureau user's login, and its commands with the bureau in the actor.
  Reply audit = platform.get("/v1/audit?limit=1000&tenant=gz-amr");
  INFO(audit.body);
  REQUIRE(audit.status == 200);
  CHECK(audit.body.find(R"("kind":"login")") != std::string::npos);
  CHECK(audit.body.find(R"("principal":"regulator:gz-amr/ru-1")") != std::string::npos);
  Reply commands = platform.get("/v1/audit?limit=1000&tenant=regulators");
  CHECK(commands.body.find("regulator:gz-amr/ru-1") != std::string::npos);

  // At rest: the entities' ID numbers and phones are sealed in the ledger (events/pii), all in
  // the regulators tenant, actor the bureau's user.
  REQUIRE(app.server.stop() == 0);
  size_t sealed = 0, regulator_events = 0;
  for (const std::string& p : ledger_payloads(app.ledger)) {
    INFO(p);
    if (p.find("regulated_entity.") == std::string::npos) continue;
    ++regulator_events;
    CHECK(p.starts_with("regulators regulated_entity."));
    CHECK(p.find(kPersonId) == std::string::npos);
    CHECK(p.find("13711112222") == std::string::npos);
    CHECK(p.find("13800138000") == std::string::npos);
    if (p.find(core::kPiiSealedPrefix) != std::string::npos) ++sealed;
  }
  CHECK(regulator_events == 4);  // three filings, one amendment
  CHECK(sealed == 4);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "regulator: bureaus, accounts, the jurisdiction policy, R-4.5.1 entity filing", regulator_slice)

}  // namespace agritrace::testing
