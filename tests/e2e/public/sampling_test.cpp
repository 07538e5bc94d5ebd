// R-4.4.S sampling inspection publication end to end over real HTTP against `agritrace serve`, on
// both ledgers: who may publish (403 problem+json for an enterprise), single entry as a draft (not
// public) then final (public, filtered list and page), a failing sample matched to a batch that
// its producer recalled (the scan page shows both warnings; the producer's and the regulators'
// alerts list where the batch went), matching when the result comes before the batch, a CSV import
// in GB18030 written by Python's csv module (all rows, or 422 with row/column/code and nothing
// recorded), correction and withdrawal, a date-matched result following a batch's amended
// production date.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

std::string sample_body(const std::string& sample_number, const std::string& lot_code,
                        const std::string& extra = R"(,"status":"final")") {
  return fmt::format(
      R"({{"sample_number":"{}","announcement_number":"2026年第47期","announcement_date":"{}",)"
      R"("sampled_unit_name":"深圳市福田区鲜果超市","sampled_unit_region":"广东省深圳市",)"
      R"("producer_name":"东莞市鲜达农产品加工有限公司","producer_uscc":"{}","producer_region":"广东省东莞市",)"
      R"("food_name":"净菜菜心","specification":"500g/袋","production_date":"{}","lot_code":"{}",)"
      R"("result":"不合格","failing_items":[{{"item":"腐霉利","measured_value":"0.52mg/kg","standard_value":"≤0.2mg/kg"}}],)"
      R"("category":"蔬菜","subcategory":"叶菜类蔬菜","task_source":"广东省市场监督管理局",)"
      R"("testing_institution":"广东省食品检验所"{}}})",
      sample_number, days_from_today(-1), kPlantUscc, days_from_today(-12), lot_code, extra);
}

std::string sampling_csv(const TempDir& dir, const std::string& encoding, const std::string& prefix,
                         const std::string& lot, bool bad) {
  const std::string out = fmt::format("{}/sampling-{}-{}.csv", dir.path(), prefix, encoding);
  const std::string cmd =
      fmt::format("python3 {}/tests/e2e/public/data/make_sampling_csv.py {} {} {} {} {} {} {} {}",
                  AGRITRACE_SOURCE_DIR, out, encoding, prefix, kPlantUscc, days_from_today(-1),
                  days_from_today(-12), lot, bad ? 1 : 0);
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Reply import_csv(ApiClient& c, const std::string& query, const std::string& body) {
  return c.call("POST", "/v1/sampling-results/imports" + query, body,
                {{"Content-Type", "text/csv"}, {"Authorization", "Bearer " + c.key()}});
}

std::string url(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += fmt::format("%{:02X}", ch);
    }
  }
  return out;
}

void sampling_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司", "广东省东莞市");
  ApiClient shop = app.enterprise(kRetailUscc, "广州市惠民生鲜店", "广东省广州市");
  ApiClient regulator(app.port(), kAdminKey);  // the platform operator publishes too
  ApiClient consumer(app.port());

  // The producer's batch LZ-A with codes, shipped in part to the shop (where the batch went).
  Reply batch = plant.post("/v1/batches", batch_body("LZ-A"));
  REQUIRE(batch.status == 201);
  const std::string batch_a = batch.str("/id");
  std::vector<std::string> uris;
  code_run(plant, batch_a, "06901234567892", R"({"amount":1,"unit":"piece"})", 3, &uris);
  const std::string shop_cp = new_counterparty(
      plant, enterprise_customer_body(kRetailUscc, "广州市惠民生鲜店", "广东省广州市"));
  Reply so = plant.post(
      "/v1/sales-orders",
      fmt::format(
          R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":2,"unit":"piece"}}}})",
          shop_cp, batch_a));
  REQUIRE(so.status == 201);
  REQUIRE(plant.get_fresh("/v1/sales-orders/" + so.str("/id")).status == 200);
  Reply shipped = plant.post("/v1/sales-orders/" + so.str("/id") + "/shipments",
                             codes_body({uris[0], uris[1]}));
  INFO(shipped.body);
  REQUIRE(shipped.status == 201);

  // Who publishes: not an enterprise (403 problem+json), not anonymous (401).
  check_problem(plant.post("/v1/sampling-results", sample_body("DBJ26-0001", "LZ-A")), 403,
                "regulator_required", "Authorization");
  check_problem(consumer.post("/v1/sampling-results", sample_body("DBJ26-0001", "LZ-A")), 401,
                "api_key_missing", "Authorization");
  check_problem(plant.get("/v1/platform/sampling-alerts"), 403, "regulator_required",
                "Authorization");

  // Validation: precise 422 with the field.
  std::string bad = sample_body("DBJ26-0001", "LZ-A");
  bad.replace(bad.find("\"不合格\""), std::string("\"不合格\"").size(), "\"不详\"");
  check_problem(regulator.post("/v1/sampling-results", bad), 422, "result_invalid", "result");
  check_problem(regulator.post("/v1/sampling-results",
                               sample_body("DBJ26-0001", "LZ-A", R"(,"status":"maybe")")),
                422, "status_invalid", "status");
  std::string no_items = sample_body("DBJ26-0001", "LZ-A");
  no_items.replace(no_items.find("\"failing_items\":["), 0, "\"x\":1,");
  check_problem(regulator.post("/v1/sampling-results", no_items), 422, "unknown_field", "x");

  // A draft is not public.
  Reply draft = regulator.post("/v1/sampling-results", sample_body("DBJ26-0001", "LZ-A", ""));
  INFO(draft.body);
  REQUIRE(draft.status == 201);
  const std::string sr = draft.str("/id");
  CHECK(sr == "sr-1");
  CHECK(regulator.get_fresh("/v1/sampling-results/" + sr).str("/status") == "draft");
  CHECK(consumer.get("/v1/public/sampling-results?after=" + regulator.last_position())
            .size("/items") == 0);
  check_problem(consumer.get("/v1/public/sampling-results/" + sr), 404, "sampling_result_not_found",
                "result_id");
  CHECK(plant.get("/v1/sampling-alerts?after=" + regulator.last_position()).size("/items") == 0);
  check_problem(regulator.post("/v1/sampling-results", sample_body("DBJ26-0001", "LZ-X", "")), 409,
                "sample_number_duplicate", "sample_number");

  // The producer recalls batch LZ-A; then the regulator finalises the failing result.
  REQUIRE(plant
              .post("/v1/recalls",
                    fmt::format(R"({{"scope":"batch","id":"{}","reason":"腐霉利超标"}})", batch_a))
              .status == 201);
  plant.get_fresh("/v1/recalls");
  Reply fin = regulator.post("/v1/sampling-results/" + sr + "/finalise", "");
  INFO(fin.body);
  REQUIRE(fin.status == 200);
  check_problem(regulator.post("/v1/sampling-results/" + sr + "/finalise", ""), 409,
                "sampling_result_already_final", "result_id");
  const std::string after = "after=" + regulator.last_position();

  // Public: the list with filters, one result, the page.
  Reply list = consumer.get("/v1/public/sampling-results?" + after);
  REQUIRE(list.status == 200);
  REQUIRE(list.size("/items") == 1);
  CHECK(list.str("/items/0/result_id") == sr);
  CHECK(list.str("/items/0/result") == "不合格");
  CHECK(list.str("/items/0/failing_item") == "腐霉利");
  CHECK(list.str("/items/0/standard_value") == "≤0.2mg/kg");
  CHECK(list.str("/items/0/producer_uscc") == kPlantUscc);
  CHECK(
      consumer
          .get("/v1/public/sampling-results?food_name=" + url("菜心") + "&result=" + url("不合格"))
          .size("/items") == 1);
  CHECK(consumer.get("/v1/public/sampling-results?food_name=" + url("苹果")).size("/items") == 0);
  CHECK(consumer.get("/v1/public/sampling-results?result=" + url("合格")).size("/items") == 0);
  CHECK(consumer.get("/v1/public/sampling-results?region=" + url("深圳")).size("/items") == 1);
  CHECK(consumer.get("/v1/public/sampling-results?producer=" + std::string(kPlantUscc))
            .size("/items") == 1);
  CHECK(consumer.get("/v1/public/sampling-results?from=" + days_from_today(0)).size("/items") == 0);
  CHECK(consumer
            .get("/v1/public/sampling-results?from=" + days_from_today(-1) +
                 "&to=" + days_from_today(0))
            .size("/items") == 1);
  check_problem(consumer.get("/v1/public/sampling-results?result=bad"), 422, "result_invalid",
                "result");
  check_problem(consumer.get("/v1/public/sampling-results?from=" + days_from_today(0) +
                             "&to=" + days_from_today(-3)),
                422, "date_range_invalid", "from");
  CHECK(consumer.get("/v1/public/sampling-results/" + sr).str("/sample_number") == "DBJ26-0001");
  Reply page = consumer.get("/public/sampling?food_name=" + url("菜心"));
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type").starts_with("text/html"));
  CHECK(page.body.find("净菜菜心") != std::string::npos);
  CHECK(page.body.find("腐霉利") != std::string::npos);
  CHECK(consumer.get("/public/sampling?food_name=" + url("苹果"))
            .body.find("没有符合条件的抽检结果") != std::string::npos);

  // The scan page of a code of batch LZ-A: the failing sample and the recall, both.
  Reply scan = consumer.call("GET", path_of(uris[2]), "", {{"Accept", "application/json"}});
  REQUIRE(scan.status == 200);
  REQUIRE(scan.size("/sampling") == 1);
  CHECK(scan.str("/sampling/0/result") == "不合格");
  CHECK(scan.str("/sampling/0/failing_item") == "腐霉利");
  CHECK(scan.str("/sampling/0/testing_institution") == "广东省食品检验所");
  CHECK(scan.has("/recall_status/recalls/0"));
  Reply scan_html = consumer.get(path_of(uris[2]));
  REQUIRE(scan_html.status == 200);
  CHECK(scan_html.body.find("召回警告") != std::string::npos);
  CHECK(scan_html.body.find("<li class=\"bad\">") != std::string::npos);
  CHECK(scan_html.body.find("2026年第47期：不合格 腐霉利") != std::string::npos);

  // Alerts: the producer's (with where the batch went), the regulators', none for the shop.
  Reply alerts = plant.get("/v1/sampling-alerts?" + after);
  INFO(alerts.body);
  REQUIRE(alerts.status == 200);
  REQUIRE(alerts.size("/items") == 1);
  CHECK(alerts.str("/items/0/batch_id") == batch_a);
  CHECK(alerts.str("/items/0/result/result_id") == sr);
  CHECK(alerts.has("/items/0/whereabouts"));
  CHECK(alerts.str("/items/0/published_at") ==
        regulator.get("/v1/sampling-results/" + sr).str("/finalised_at"));
  CHECK(alerts.body.find(kRetailUscc) != std::string::npos);  // shipped to the shop
  CHECK(regulator.get("/v1/platform/sampling-alerts").size("/items") == 1);
  // Issue 13: a bureau sees the alerts of producers in its jurisdiction only (the plant is in
  // Dongguan, 441900).
  CHECK(ApiClient(app.port(), bureau_session(app.port(), "dg-amr", "441900"))
            .get("/v1/platform/sampling-alerts")
            .size("/items") == 1);
  CHECK(ApiClient(app.port(), bureau_session(app.port(), "sz-amr", "440300"))
            .get("/v1/platform/sampling-alerts")
            .size("/items") == 0);
  CHECK(shop.get("/v1/sampling-alerts?" + after).size("/items") == 0);

  // Result first, batch later: a final result for lot LZ-B matches the batch made afterwards.
  REQUIRE(regulator.post("/v1/sampling-results", sample_body("DBJ26-0002", "LZ-B")).status == 201);
  regulator.get_fresh("/v1/sampling-results/sr-2");
  Reply batch_b = plant.post("/v1/batches", batch_body("LZ-B"));
  REQUIRE(batch_b.status == 201);
  Reply alerts_b = plant.get_fresh("/v1/sampling-alerts");
  REQUIRE(alerts_b.size("/items") == 2);
  CHECK(alerts_b.body.find("\"batch_id\":\"" + batch_b.str("/id") + "\"") != std::string::npos);

  // CSV import, GB18030 (detected), Chinese headers: a bad file is refused row by row, nothing
  // recorded; the good file records both rows, final.
  TempDir dir;
  Reply refused =
      import_csv(regulator, "?status=final", sampling_csv(dir, "gb18030", "GD26", "LZ-A", true));
  INFO(refused.body);
  check_problem(refused, 422, "sampling_import_rows_invalid", "");
  REQUIRE(refused.size("/errors") == 2);
  CHECK(refused.num("/errors/0/row") == 2);
  CHECK(refused.str("/errors/0/column") == "结论");
  CHECK(refused.str("/errors/0/code") == "result_invalid");
  CHECK(refused.num("/errors/1/row") == 3);
  CHECK(refused.str("/errors/1/column") == "公告日期");
  CHECK(refused.str("/errors/1/code") == "date_invalid");
  CHECK(consumer.get("/v1/public/sampling-results?" + after).size("/items") == 2);  // unchanged
  Reply imported =
      import_csv(regulator, "?status=final", sampling_csv(dir, "gb18030", "GD26", "LZ-A", false));
  INFO(imported.body);
  REQUIRE(imported.status == 201);
  CHECK(imported.num("/count") == 2);
  const std::string after_import = "after=" + regulator.last_position();
  Reply passed =
      consumer.get("/v1/public/sampling-results?result=" + url("合格") + "&" + after_import);
  REQUIRE(passed.size("/items") == 1);
  CHECK(passed.str("/items/0/producer_name") == "博罗县绿源菜心种植专业合作社");
  CHECK(passed.str("/items/0/testing_institution") == "广州检验检测认证集团有限公司");
  Reply two_items =
      consumer.get("/v1/public/sampling-results?producer=" + url("鲜达") +
                   "&food_name=" + url("净菜") + "&region=" + url("深圳") + "&limit=1");
  REQUIRE(two_items.size("/items") == 1);
  const std::string next = two_items.str("/next_after");
  Reply second_page = consumer.get("/v1/public/sampling-results?producer=" + url("鲜达") +
                                   "&limit=1&after_id=" + next);
  CHECK(second_page.size("/items") == 1);
  CHECK(second_page.str("/items/0/result_id") != two_items.str("/items/0/result_id"));
  // The same file again: its sample numbers are recorded, so its rows are refused by the rules.
  Reply again =
      import_csv(regulator, "?status=final", sampling_csv(dir, "gb18030", "GD26", "LZ-A", false));
  INFO(again.body);
  check_problem(again, 422, "sampling_import_rows_invalid", "");
  CHECK(again.num("/errors/0/row") == 2);
  CHECK(again.str("/errors/0/column") == "抽样编号");
  CHECK(again.str("/errors/0/code") == "sample_number_duplicate");
  // The imported failing row (lot LZ-A) is the batch's second sampling result.
  CHECK(consumer.call("GET", path_of(uris[2]), "", {{"Accept", "application/json"}})
            .size("/sampling") == 2);

  // Withdrawal: no longer public, no longer on the scan page nor in the alerts.
  check_problem(regulator.post("/v1/sampling-results/" + sr + "/withdraw", "{}"), 422,
                "field_required", "reason");
  REQUIRE(regulator.post("/v1/sampling-results/" + sr + "/withdraw", R"({"reason":"检验报告撤销"})")
              .status == 200);
  const std::string after_withdraw = "after=" + regulator.last_position();
  check_problem(consumer.get("/v1/public/sampling-results/" + sr + "?" + after_withdraw), 404,
                "sampling_result_not_found", "result_id");
  CHECK(regulator.get("/v1/sampling-results/" + sr).str("/status") == "withdrawn");
  CHECK(consumer.call("GET", path_of(uris[2]), "", {{"Accept", "application/json"}})
            .size("/sampling") == 1);
  Reply alerts_after = plant.get("/v1/sampling-alerts");
  CHECK(alerts_after.body.find("\"result_id\":\"" + sr + "\"") == std::string::npos);

  // A result without a lot code matches by production date. Batch LZ-B's production date amended
  // to that date matches it (an alert); amended back, the match and its alert are gone.
  std::string by_date = sample_body("DBJ26-0090", "");
  const std::string made = days_from_today(-12);
  by_date.replace(by_date.find(made), made.size(), days_from_today(-20));
  Reply dated = regulator.post("/v1/sampling-results", by_date);
  INFO(dated.body);
  REQUIRE(dated.status == 201);
  const std::string dated_id = dated.str("/id");
  const std::string batch_b_id = batch_b.str("/id");
  // The batches the producer is alerted of for the date-matched result.
  const auto dated_alerts = [&] {
    Reply r = plant.get_fresh("/v1/sampling-alerts");
    std::vector<std::string> batches;
    for (size_t i = 0; i < r.size("/items"); ++i) {
      if (r.str(fmt::format("/items/{}/result/result_id", i)) == dated_id) {
        batches.push_back(r.str(fmt::format("/items/{}/batch_id", i)));
      }
    }
    return batches;
  };
  CHECK(dated_alerts().empty());
  const auto amend_b = [&](int days) {
    return plant.put("/v1/batches/" + batch_b_id,
                     fmt::format(R"({{"product":"净菜菜心 500g","quantity":{{"amount":100,"unit":"piece"}},)"
                                 R"("production_date":"{}"}})",
                                 days_from_today(days)));
  };
  REQUIRE(amend_b(-20).status == 200);
  CHECK(dated_alerts() == std::vector<std::string>{batch_b_id});
  REQUIRE(amend_b(-12).status == 200);
  CHECK(dated_alerts().empty());

  // Rebuilt from the ledger (partitions read in another interleaving), the views are identical.
  CHECK(app.server.stop() == 0);
  const std::string live = live_views_digest(app.ledger);
  CHECK(replay_digest(app.ledger) == live);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.4.S sampling publication: publish, public list, match to a recalled batch, CSV import",
    sampling_slice)

}  // namespace agritrace::testing
