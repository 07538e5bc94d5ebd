// End to end on both ledgers (issue 13, R-4.5.2): the checklist, an inspection with its signed
// form (uploaded by content address, checked by magic number), another city's bureau that sees
// neither (404), a risk grade that makes an entity overdue once the server's clock has moved on
// and an inspection that clears it, a seeded draw reproduced by its verification, another seed
// giving another draw, a recusal honoured, and the rights of inspectors and supervisors.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <string>

#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kPassword = "Market-Watch-2024";
const std::string kPdf = "%PDF-1.4\n% 食品销售监督检查要点表 (signed)\n1 0 obj<<>>endobj\n%%EOF\n";

bool flag(const Reply& r, const std::string& pointer) {
  simdjson::dom::parser parser;
  bool value = false;
  const auto error = parser.parse(r.body).at_pointer(pointer).get(value);
  INFO(pointer << " in " << r.body);
  REQUIRE(!error);
  return value;
}

Reply fresh(ApiClient& c, const std::string& target, const std::string& position) {
  const char sep = target.find('?') == std::string::npos ? '?' : '&';
  return c.get(target + sep + "after=" + position + "&wait_ms=20000");
}

std::string session(uint16_t port, const std::string& bureau, const std::string& user) {
  Reply r =
      ApiClient(port).post("/v1/regulator/sessions",
                           fmt::format(R"({{"bureau_id":"{}","username":"{}","password":"{}"}})",
                                       bureau, user, kPassword));
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.str("/token");
}

void add_user(ApiClient& platform, const std::string& bureau, const std::string& user,
              const std::string& role) {
  Reply r = platform.post(
      "/v1/regulator/bureaus/" + bureau + "/users",
      fmt::format(R"({{"username":"{}","password":"{}","role":"{}"}})", user, kPassword, role));
  INFO(r.body);
  REQUIRE(r.status == 201);
}

std::string file_entity(ApiClient& by, const std::string& type, const std::string& uscc,
                        const std::string& division) {
  Reply r = by.post(
      "/v1/regulator/entities",
      fmt::format(
          R"({{"name":"果菜{}","premises_type":"{}","uscc":"{}","division":"{}","address":"地址","legal_representative":"刘洋","contact_person":"刘洋","phone":"13711112222"}})",
          division, type, uscc, division));
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.str("/id");
}

Reply upload(uint16_t port, const std::string& token, const std::string& type,
             const std::string& bytes) {
  return ApiClient(port).call("POST", "/v1/regulator/documents", bytes,
                              {{"Authorization", "Bearer " + token}, {"Content-Type", type}});
}

std::string inspection_body(const std::string& entity, const std::string& day,
                            const std::string& sha, const std::string& result = "conforming") {
  return fmt::format(
      R"({{"entity_id":"{}","inspected_on":"{}","inspectors":["zhao.insp","qian.insp"],"items":[{{"code":"1.1","result":"conforming","note":""}},{{"code":"7.2","result":"{}","note":"台账缺两日"}}],"findings":"进货查验记录不完整","follow_up":"限期补齐台账","follow_up_due":"{}","form_sha256":"{}"}})",
      entity, day, result, day, sha);
}

// The server's clock moved forward by `days` (a restart with --clock-start), as in
// tests/e2e/production/production_slice_test.cpp.
std::vector<std::string> days_later(const TestApp& app, int days) {
  std::vector<std::string> flags = app.ledger.flags();
  flags.push_back("--clock-start");
  flags.push_back(core::format_rfc3339_utc(test_now_ms() + int64_t{days} * 24 * 3600 * 1000));
  return flags;
}

void inspections_slice(Backend backend) {
  TestApp app(backend);
  const uint16_t port = app.port();
  ApiClient platform(port, kAdminKey);
  for (const char* body :
       {R"({"bureau_id":"gz-amr","name":"广州市市场监督管理局","jurisdiction":"440100"})",
        R"({"bureau_id":"sz-amr","name":"深圳市市场监督管理局","jurisdiction":"440300"})"}) {
    REQUIRE(platform.post("/v1/regulator/bureaus", body).status == 201);
  }
  add_user(platform, "gz-amr", "li.sup", "supervisor");
  for (const char* u : {"zhao.insp", "qian.insp", "sun.insp"}) {
    add_user(platform, "gz-amr", u, "inspector");
  }
  add_user(platform, "sz-amr", "chen.sup", "supervisor");
  add_user(platform, "sz-amr", "chen.insp", "inspector");
  ApiClient gz(port, session(port, "gz-amr", "li.sup"));
  const std::string zhao_token = session(port, "gz-amr", "zhao.insp");
  ApiClient zhao(port, zhao_token);
  ApiClient sz(port, session(port, "sz-amr", "chen.sup"));
  const std::string sz_insp_token = session(port, "sz-amr", "chen.insp");
  ApiClient sz_insp(port, sz_insp_token);

  const std::string shop = file_entity(gz, "retail", kRetailUscc, "440106");
  const std::string market = file_entity(gz, "wholesale", kPlantUscc, "440111");
  const std::string sz_shop = file_entity(sz, "retail", kFarmUscc, "440305");
  CHECK(shop == "fe-1");
  CHECK(market == "fe-2");

  // ---- the checklist ----
  Reply checklist = zhao.get("/v1/regulator/checklist");
  INFO(checklist.body);
  REQUIRE(checklist.status == 200);
  CHECK(!checklist.str("/version").empty());
  CHECK(checklist.str("/source").find("食品销售监督检查要点表") != std::string::npos);
  CHECK(checklist.size("/items") >= 30);
  CHECK(checklist.str("/items/0/code") == "1.1");

  // ---- the signed form: by content address, PDF/JPEG/PNG by magic number, inspectors ----
  check_problem(upload(port, zhao_token, "text/plain", "hello"), 415, "document_type_unsupported",
                "Content-Type");
  check_problem(upload(port, zhao_token, "application/pdf", "not a pdf"), 422,
                "document_type_mismatch", "body");
  check_problem(upload(port, zhao_token, "image/png", kPdf), 422, "document_type_mismatch", "body");
  Reply form = upload(port, zhao_token, "application/pdf", kPdf);
  INFO(form.body);
  REQUIRE(form.status == 201);
  const std::string sha = form.str("/sha256");
  CHECK(sha == core::sha256_hex(kPdf));
  CHECK(form.num("/size") == static_cast<int64_t>(kPdf.size()));
  CHECK(form.str("/content_type") == "application/pdf");
  check_problem(ApiClient(port).call(
                    "POST", "/v1/regulator/documents", kPdf,
                    {{"Authorization", "Bearer " + gz.key()}, {"Content-Type", "application/pdf"}}),
                403, "regulator_role_forbidden", "Authorization");

  // ---- an inspection (inspectors only; the form must exist; the recorder among them) ----
  const std::string today = test_today();
  check_problem(gz.post("/v1/regulator/inspections", inspection_body(shop, today, sha)), 403,
                "regulator_role_forbidden", "Authorization");
  check_problem(
      zhao.post("/v1/regulator/inspections", inspection_body(shop, today, std::string(64, 'e'))),
      422, "form_not_found", "form_sha256");
  check_problem(
      zhao.post("/v1/regulator/inspections", inspection_body(shop, days_from_today(1), sha)), 422,
      "inspected_on_in_future", "inspected_on");
  check_problem(zhao.post("/v1/regulator/inspections", inspection_body(sz_shop, today, sha)), 404,
                "entity_not_found", "entity_id");
  {
    std::string b = inspection_body(shop, today, sha);
    b.replace(b.find("\"7.2\""), 5, "\"99.9\"");
    check_problem(zhao.post("/v1/regulator/inspections", b), 422, "checklist_item_unknown",
                  "items[1].code");
  }
  Reply insp = zhao.post("/v1/regulator/inspections",
                         inspection_body(shop, today, sha, "basically_conforming"));
  INFO(insp.body);
  REQUIRE(insp.status == 201);
  CHECK(insp.str("/inspection_id") == "insp-1");
  CHECK(insp.str("/entity_id") == shop);
  CHECK(insp.str("/overall") == "basically_conforming");
  CHECK(insp.str("/form_sha256") == sha);
  CHECK(insp.str("/recorded_by") == "zhao.insp");
  const std::string pos = insp.str("/position");

  Reply got = fresh(gz, "/v1/regulator/inspections/insp-1", pos);
  INFO(got.body);
  REQUIRE(got.status == 200);
  CHECK(got.str("/inspected_on") == today);
  CHECK(got.size("/items") == 2);
  CHECK(got.str("/items/1/result") == "basically_conforming");
  CHECK(got.str("/follow_up_due") == today);
  CHECK(fresh(gz, "/v1/regulator/inspections?entity_id=" + shop, pos).size("/inspections") == 1);
  CHECK(fresh(gz, "/v1/regulator/inspections?entity_id=" + market, pos).size("/inspections") == 0);
  Reply entity = fresh(gz, "/v1/regulator/entities/" + shop, pos);
  CHECK(entity.num("/inspections_last_365_days") == 1);
  CHECK(entity.str("/last_inspected_on") == today);
  CHECK(entity.str("/risk_grade").empty());
  CHECK(!flag(entity, "/inspection_overdue"));
  // The bureau's own jurisdiction reads the form; another city's bureau sees neither (404).
  Reply bytes = fresh(gz, "/v1/regulator/documents/" + sha, pos);
  CHECK(bytes.status == 200);
  CHECK(bytes.body == kPdf);
  CHECK(bytes.header("Content-Type") == "application/pdf");
  check_problem(fresh(sz, "/v1/regulator/inspections/insp-1", pos), 404, "inspection_not_found",
                "inspection_id");
  check_problem(sz.get("/v1/regulator/documents/" + sha), 404, "document_not_found", "sha256");
  CHECK(sz.get("/v1/regulator/inspections").size("/inspections") == 0);
  check_problem(sz.get("/v1/regulator/inspections?entity_id=" + shop), 404, "entity_not_found",
                "entity_id");
  check_problem(sz_insp.post("/v1/regulator/inspections", inspection_body(shop, today, sha)), 404,
                "entity_not_found", "entity_id");

  // ---- risk grades: supervisors, inside the jurisdiction ----
  check_problem(zhao.put("/v1/regulator/entities/" + market + "/risk-grade", R"({"grade":"D"})"),
                403, "regulator_role_forbidden", "Authorization");
  check_problem(sz.put("/v1/regulator/entities/" + market + "/risk-grade", R"({"grade":"D"})"), 404,
                "entity_not_found", "entity_id");
  check_problem(gz.put("/v1/regulator/entities/" + market + "/risk-grade", R"({"grade":"E"})"), 422,
                "risk_grade_invalid", "grade");
  Reply graded = gz.put("/v1/regulator/entities/" + market + "/risk-grade",
                        R"({"grade":"D","reason":"批发市场，高风险品种"})");
  INFO(graded.body);
  REQUIRE(graded.status == 200);
  CHECK(graded.str("/risk_grade") == "D");
  CHECK(graded.num("/inspections_required_per_year") == 4);
  CHECK(!flag(graded, "/inspection_overdue"));  // a grade of today asks nothing yet
  CHECK(fresh(gz, "/v1/regulator/inspections-overdue", graded.str("/position")).size("/entities") ==
        0);

  // ---- random draws (双随机): supervisors; seeded, reproducible, recusals honoured ----
  const std::string draw_body =
      R"({"seed":"2a","entity_count":2,"inspectors_per_entity":2,"recusals":[{"inspector":"zhao.insp","entity_id":"fe-1"}]})";
  check_problem(zhao.post("/v1/regulator/draws", draw_body), 403, "regulator_role_forbidden",
                "Authorization");
  check_problem(
      gz.post(
          "/v1/regulator/draws",
          R"({"seed":"2a","entity_count":2,"recusals":[{"inspector":"zhao.insp","entity_id":"fe-1"},{"inspector":"qian.insp","entity_id":"fe-1"}]})"),
      422, "draw_recusal_unsatisfiable", "recusals");
  check_problem(gz.post("/v1/regulator/draws", R"({"entity_count":3})"), 422,
                "draw_not_enough_entities", "entity_count");
  Reply draw = gz.post("/v1/regulator/draws", draw_body);
  INFO(draw.body);
  REQUIRE(draw.status == 201);
  const std::string draw_id = draw.str("/draw_id");
  CHECK(draw.str("/seed") == "000000000000002a");
  CHECK(draw.str("/algorithm") == "splitmix64+fisher-yates/v1");
  CHECK(draw.num("/entities_considered") == 2);  // not Shenzhen's entity
  CHECK(draw.num("/inspectors_considered") == 3);
  // The documented algorithm's answer (an independent implementation gives the same).
  CHECK(draw.str("/assignments/0/entity_id") == "fe-2");
  CHECK(draw.str("/assignments/0/inspectors/0") == "qian.insp");
  CHECK(draw.str("/assignments/0/inspectors/1") == "sun.insp");
  CHECK(draw.str("/assignments/1/entity_id") == "fe-1");
  CHECK(draw.str("/assignments/1/entity_name") == "果菜440106");
  // zhao.insp is recused from fe-1.
  CHECK(draw.str("/assignments/1/inspectors/0") != "zhao.insp");
  CHECK(draw.str("/assignments/1/inspectors/1") != "zhao.insp");
  Reply verified =
      fresh(gz, "/v1/regulator/draws/" + draw_id + "/verification", draw.str("/position"));
  INFO(verified.body);
  REQUIRE(verified.status == 200);
  CHECK(flag(verified, "/reproduced"));
  CHECK(verified.size("/differences") == 0);
  // Another seed, another draw.
  Reply other = gz.post(
      "/v1/regulator/draws",
      R"({"seed":"2b","entity_count":2,"recusals":[{"inspector":"zhao.insp","entity_id":"fe-1"}]})");
  INFO(other.body);
  REQUIRE(other.status == 201);
  CHECK(other.str("/assignments/0/entity_id") == "fe-1");
  CHECK(other.str("/assignments/0/inspectors/0") == "sun.insp");
  // No seed: the server draws one from its randomness and records it; still reproducible.
  Reply unseeded =
      gz.post("/v1/regulator/draws", R"({"entity_count":1,"premises_types":["wholesale"]})");
  INFO(unseeded.body);
  REQUIRE(unseeded.status == 201);
  CHECK(unseeded.str("/seed").size() == 16);
  CHECK(unseeded.str("/assignments/0/entity_id") == market);
  CHECK(flag(fresh(gz, "/v1/regulator/draws/" + unseeded.str("/draw_id") + "/verification",
                   unseeded.str("/position")),
             "/reproduced"));
  CHECK(fresh(gz, "/v1/regulator/draws", unseeded.str("/position")).size("/draws") == 3);
  check_problem(sz.get("/v1/regulator/draws/" + draw_id), 404, "draw_not_found", "draw_id");
  check_problem(zhao.get("/v1/regulator/draws/" + draw_id), 403, "regulator_role_forbidden",
                "Authorization");
  const std::string last_position = unseeded.str("/position");
  REQUIRE(app.server.stop() == 0);

  // ---- 100 days on: grade D asks for floor(4 * 100 / 365) = 1 inspection; none -> overdue ----
  ServerProcess later(days_later(app, 100));
  later.start();
  const uint16_t p2 = later.port();
  ApiClient gz2(p2, session(p2, "gz-amr", "li.sup"));
  ApiClient zhao2(p2, session(p2, "gz-amr", "zhao.insp"));
  ApiClient sz2(p2, session(p2, "sz-amr", "chen.sup"));
  Reply overdue = fresh(gz2, "/v1/regulator/inspections-overdue", last_position);
  INFO(overdue.body);
  REQUIRE(overdue.status == 200);
  REQUIRE(overdue.size("/entities") == 1);
  CHECK(overdue.str("/entities/0/entity_id") == market);
  CHECK(flag(overdue, "/entities/0/inspection_overdue"));
  CHECK(overdue.num("/entities/0/inspections_due_now") == 1);
  CHECK(gz2.get("/v1/regulator/inspections-overdue?division=440106").size("/entities") == 0);
  CHECK(sz2.get("/v1/regulator/inspections-overdue").size("/entities") == 0);
  // The shop's inspection of 100 days ago still counts in its last 365 days.
  Reply shop_now = gz2.get("/v1/regulator/entities/" + shop);
  CHECK(shop_now.num("/inspections_last_365_days") == 1);
  CHECK(shop_now.str("/last_inspected_on") == today);
  // An inspection of the market on the server's new day clears it.
  const std::string later_day = days_from_today(100);
  Reply cleared = zhao2.post("/v1/regulator/inspections", inspection_body(market, later_day, sha));
  INFO(cleared.body);
  REQUIRE(cleared.status == 201);
  CHECK(cleared.str("/inspection_id") == "insp-2");
  Reply after = fresh(gz2, "/v1/regulator/inspections-overdue", cleared.str("/position"));
  CHECK(after.size("/entities") == 0);
  Reply market_now = gz2.get("/v1/regulator/entities/" + market);
  CHECK(!flag(market_now, "/inspection_overdue"));
  CHECK(market_now.str("/last_inspected_on") == later_day);
  REQUIRE(later.stop() == 0);

  // At rest: the R-4.5.2 events are the regulators tenant's.
  size_t recorded = 0;
  for (const std::string& p : ledger_payloads(app.ledger)) {
    if (p.find("inspection.recorded") != std::string::npos ||
        p.find("inspection_draw.recorded") != std::string::npos ||
        p.find("regulated_entity.risk_graded") != std::string::npos) {
      CHECK(p.starts_with("regulators "));
      ++recorded;
    }
  }
  CHECK(recorded == 6);  // two inspections, one grade, three draws
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("regulator: R-4.5.2 inspections, risk grades and random draws",
                            inspections_slice)

}  // namespace agritrace::testing
