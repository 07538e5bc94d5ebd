// End to end over real HTTP on loopback, against the real `agritrace serve` process, on both
// ledgers: the production slice (R-4.2.1, R-4.2.2, R-4.2.8), refusals, idempotency,
// read-your-writes, tenant isolation and personal-data masking.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

void production_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");

  // R-4.2.8 counterparties: an enterprise (USCC) and an individual (resident ID).
  const std::string farm_id = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  const std::string person_id = new_counterparty(plant, individual_supplier_body());

  // Personal data: masked in lists, shown to the owning enterprise on the record itself.
  Reply list = plant.get_fresh("/v1/counterparties");
  REQUIRE(list.status == 200);
  CHECK(list.size("/items") == 2);
  CHECK(list.str("/items/1/id_number") == "441322********1238");
  CHECK(list.str("/items/1/phone") == "139****5678");
  CHECK(list.body.find(kPersonId) == std::string::npos);
  Reply own = plant.get_fresh("/v1/counterparties/" + person_id);
  CHECK(own.str("/id_number") == kPersonId);

  // R-4.2.1 purchase orders: create, amend, cancel, receive.
  Reply po1 = plant.post("/v1/purchase-orders", purchase_order_body(farm_id, 800));
  REQUIRE(po1.status == 201);
  const std::string po1_id = po1.str("/id");
  Reply amended = plant.put("/v1/purchase-orders/" + po1_id,
                            R"({"material":"菜心","quantity":{"amount":900,"unit":"kg"},"supplier_lot":"HZ-2","production_date":")" + days_from_today(-33) + R"(","expiry_date":")" + days_from_today(3650) + R"("})");
  REQUIRE(amended.status == 200);
  Reply po1_view = plant.get_fresh("/v1/purchase-orders/" + po1_id);
  CHECK(po1_view.num("/quantity/amount") == 900000);
  CHECK(po1_view.str("/supplier_lot") == "HZ-2");
  CHECK(po1_view.str("/supplier_id") == farm_id);
  CHECK(po1_view.str("/status") == "open");

  Reply po2 = plant.post("/v1/purchase-orders", purchase_order_body(person_id, 50));
  REQUIRE(po2.status == 201);
  Reply cancelled = plant.post("/v1/purchase-orders/" + po2.str("/id") + "/cancel", R"({"reason":"供应商缺货"})");
  REQUIRE(cancelled.status == 200);
  CHECK(plant.get_fresh("/v1/purchase-orders/" + po2.str("/id")).str("/status") == "cancelled");
  Reply cancel_again = plant.post("/v1/purchase-orders/" + po2.str("/id") + "/cancel", R"({"reason":"x"})");
  CHECK(cancel_again.status == 409);
  CHECK(cancel_again.str("/code") == "purchase_order_not_open");

  Reply received = plant.post("/v1/purchase-orders/" + po1_id + "/receive",
                              R"({"quantity":{"amount":900,"unit":"kg"},"received_on":")" + days_from_today(-13) + R"("})");
  REQUIRE(received.status == 201);
  Reply po1_after = plant.get_fresh("/v1/purchase-orders/" + po1_id);
  CHECK(po1_after.str("/status") == "received");
  const std::string lot_id = po1_after.str("/lot_id");
  Reply lot = plant.get_fresh("/v1/material-lots/" + lot_id);
  CHECK(lot.num("/received_quantity/amount") == 900000);
  CHECK(lot.str("/material") == "菜心");

  // R-4.2.2 batches consume lots; never more than a lot holds.
  Reply b1 = plant.post("/v1/batches", batch_body("DG-A1"));
  REQUIRE(b1.status == 201);
  const std::string b1_id = b1.str("/id");
  Reply b2 = plant.post("/v1/batches", batch_body("DG-A2"));
  REQUIRE(b2.status == 201);
  const std::string b2_id = b2.str("/id");
  CHECK(plant.post("/v1/batches", batch_body("DG-A1")).str("/code") == "lot_code_duplicate");
  REQUIRE(plant.post("/v1/batches/" + b1_id + "/materials",
                     fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":600,"unit":"kg"}}}})", lot_id)).status == 201);
  Reply over = plant.post("/v1/batches/" + b2_id + "/materials",
                          fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":301,"unit":"kg"}}}})", lot_id));
  CHECK(over.status == 409);
  CHECK(over.str("/code") == "lot_over_consumed");
  CHECK(over.str("/field") == "quantity.amount");
  REQUIRE(plant.post("/v1/batches/" + b2_id + "/materials",
                     fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":300,"unit":"kg"}}}})", lot_id)).status == 201);

  // An expired lot is refused.
  const std::string old_lot = receive_material(plant, farm_id, 10, 32, days_from_today(-32)).lot_id;
  Reply expired = plant.post("/v1/batches/" + b1_id + "/materials",
                             fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":1,"unit":"kg"}}}})", old_lot));
  CHECK(expired.str("/code") == "lot_expired");

  // Documents: uploaded by content, attached by hash, downloadable by their owner only.
  const std::string report = "广东省农产品质量安全检测报告：农药残留未检出，合格";
  Reply doc = plant.call("POST", "/v1/documents", report,
                         {{"Authorization", "Bearer " + plant.key()}, {"Content-Type", "text/plain"}});
  REQUIRE(doc.status == 201);
  const std::string sha = doc.str("/sha256");
  CHECK(sha.size() == 64);
  Reply attached = plant.post("/v1/batches/" + b1_id + "/documents",
                              fmt::format(R"({{"sha256":"{}","kind":"inspection_report","filename":"report.txt","media_type":"text/plain"}})", sha));
  REQUIRE(attached.status == 201);
  Reply unknown_doc = plant.post("/v1/batches/" + b1_id + "/documents",
                                 fmt::format(R"({{"sha256":"{}","kind":"inspection_report","filename":"x.pdf"}})", std::string(64, 'a')));
  CHECK(unknown_doc.status == 404);
  CHECK(unknown_doc.str("/field") == "sha256");
  CHECK(plant.get("/v1/documents/" + sha).body == report);

  // Backward trace: batch -> lots (quantities) -> suppliers (masked) -> purchase orders, documents.
  Reply back = plant.get_fresh("/v1/batches/" + b1_id + "/trace/backward");
  REQUIRE(back.status == 200);
  CHECK(back.str("/batch/lot_code") == "DG-A1");
  CHECK(back.str("/producer/enterprise_id") == kPlantUscc);
  REQUIRE(back.size("/materials") == 1);
  CHECK(back.num("/materials/0/quantity_used/amount") == 600000);
  CHECK(back.str("/materials/0/lot/lot_id") == lot_id);
  CHECK(back.num("/materials/0/lot/remaining_quantity/amount") == 0);
  CHECK(back.str("/materials/0/supplier/uscc") == kFarmUscc);
  CHECK(back.str("/materials/0/supplier/phone") == "138****1234");
  CHECK(back.str("/materials/0/purchase_order/po_id") == po1_id);
  REQUIRE(back.size("/documents") == 1);
  CHECK(back.str("/documents/0/sha256") == sha);
  CHECK(back.str("/documents/0/kind") == "inspection_report");

  // Forward trace: lot -> every batch that used it.
  Reply fwd = plant.get_fresh("/v1/material-lots/" + lot_id + "/trace/forward");
  REQUIRE(fwd.status == 200);
  REQUIRE(fwd.size("/batches") == 2);
  CHECK(fwd.str("/batches/0/batch/batch_id") == b1_id);
  CHECK(fwd.num("/batches/0/quantity_used/amount") == 600000);
  CHECK(fwd.str("/batches/1/batch/batch_id") == b2_id);
  CHECK(fwd.num("/batches/1/quantity_used/amount") == 300000);

  // Tenant isolation: another enterprise sees none of it.
  ApiClient other = app.enterprise(kRetailUscc, "广州市某批发商行");
  CHECK(other.get("/v1/batches/" + b1_id).status == 404);
  CHECK(other.get("/v1/material-lots/" + lot_id + "/trace/forward").status == 404);
  CHECK(other.get("/v1/documents/" + sha).status == 404);
  CHECK(other.get_fresh("/v1/counterparties").size("/items") == 0);

  CHECK(app.server.stop() == 0);
}

AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.1 R-4.2.2 R-4.2.8 production slice end to end", production_slice)

void refusals(Backend backend) {
  TestApp app(backend);
  const std::string key = register_enterprise(app.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient c(app.port(), key);
  ApiClient anon(app.port());
  ApiClient admin(app.port(), kAdminKey);

  check_problem(anon.get("/v1/batches"), 401, "api_key_missing", "Authorization");
  CHECK(anon.get("/v1/batches").header("WWW-Authenticate") == "Bearer realm=\"agritrace\"");
  ApiClient wrong(app.port(), "agk_not-a-key");
  check_problem(wrong.get("/v1/batches"), 401, "api_key_invalid", "Authorization");
  check_problem(admin.get("/v1/batches"), 403, "enterprise_key_required", "Authorization");
  check_problem(c.post("/v1/enterprises", R"({"uscc":"91440101MA59XYW12B","name":"x","region":"y"})"), 403,
         "admin_key_required", "Authorization");
  check_problem(c.get("/v1/nothing-here"), 404, "route_not_found", "");
  Reply wrong_method = c.call("DELETE", "/v1/batches", "", {{"Authorization", "Bearer " + key}});
  check_problem(wrong_method, 405, "method_not_allowed", "");
  CHECK(wrong_method.header("Allow").find("GET") != std::string::npos);
  check_problem(c.post("/v1/batches", "{\"product\": "), 400, "malformed_json", "");
  check_problem(c.post("/v1/batches", "[1,2]"), 400, "malformed_json", "");
  check_problem(c.post("/v1/batches", std::string(70 * 1024, ' ')), 413, "body_too_large", "");
  check_problem(c.post("/v1/batches", R"({"product":"x","lot_code":"L1","quantity":{"amount":1,"unit":"kg"},"production_date":")" + days_from_today(-33) + R"(","colour":"red"})"),
         422, "unknown_field", "colour");
  check_problem(c.post("/v1/batches", R"({"product":"x","lot_code":"L1","quantity":{"amount":1,"unit":"bushel"},"production_date":")" + days_from_today(-33) + R"("})"),
         422, "unit_unknown", "quantity.unit");
  check_problem(c.post("/v1/batches", R"({"product":"x","lot_code":"L1","quantity":{"amount":-1,"unit":"kg"},"production_date":")" + days_from_today(-33) + R"("})"),
         422, "quantity_not_positive", "quantity.amount");
  check_problem(c.post("/v1/batches", R"({"product":"x","lot_code":"L1","quantity":{"amount":1,"unit":"kg"},"production_date":"2026-02-30"})"),
         422, "date_invalid", "production_date");
  check_problem(c.post("/v1/batches", R"({"lot_code":"L1","quantity":{"amount":1,"unit":"kg"},"production_date":")" + days_from_today(-33) + R"("})"),
         422, "field_required", "product");
  check_problem(c.post("/v1/batches", R"({"product":7,"lot_code":"L1","quantity":{"amount":1,"unit":"kg"},"production_date":")" + days_from_today(-33) + R"("})"),
         422, "type_mismatch", "product");
  // GB 32100: a USCC whose check character is wrong; GB 11643: an ID number whose check digit is wrong.
  check_problem(c.post("/v1/counterparties", enterprise_supplier_body("93441322MA4W12345G")), 422, "uscc_check_failed", "uscc");
  check_problem(c.post("/v1/counterparties",
                R"({"kind":"individual","roles":["supplier"],"name":"张伟","id_number":"441322197806151239","phone":"13912345678"})"),
         422, "id_number_check_failed", "id_number");
  check_problem(c.post("/v1/purchase-orders", purchase_order_body("cp-99", 1)), 404, "supplier_not_found", "supplier_id");
  check_problem(c.get("/v1/batches/b-404"), 404, "batch_not_found", "batch_id");
  check_problem(c.get("/v1/batches?limit=0"), 422, "limit_invalid", "limit");
  check_problem(c.get("/v1/batches?after=zz"), 400, "position_invalid", "after");
  // A position past the ledger's end answers 400 at once, even with the longest wait asked for.
  check_problem(c.get("/v1/batches?after=0:999999999&wait_ms=30000"), 400, "position_beyond_end", "after");
  check_problem(admin.post("/v1/enterprises", R"({"uscc":"91440101MA59XYW12C","name":"x","region":"y"})"), 422,
         "uscc_check_failed", "uscc");
  REQUIRE(c.post("/v1/batches", batch_body("DOC-1")).status == 201);
  check_problem(c.post("/v1/batches/b-1/documents", R"({"sha256":"XYZ","kind":"inspection_report","filename":"a.pdf"})"),
         422, "sha256_invalid", "sha256");
  // Nothing refused above reached the ledger: the only batch is the one accepted.
  CHECK(c.get_fresh("/v1/batches").size("/items") == 1);
  CHECK(app.server.stop() == 0);
}


AGRITRACE_TEST_BOTH_LEDGERS("bad requests get precise problem+json answers", refusals)

void idempotency(Backend backend) {
  TestApp app(backend);
  ApiClient c = app.enterprise(kPlantUscc, "鲜达");
  Reply first = c.post("/v1/batches", batch_body("IDEM-1"), "key-1");
  REQUIRE(first.status == 201);
  CHECK(first.header("Idempotent-Replayed").empty());
  Reply again = c.post("/v1/batches", batch_body("IDEM-1"), "key-1");
  CHECK(again.status == 201);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(again.str("/id") == first.str("/id"));
  CHECK(again.str("/command_id") == first.str("/command_id"));
  CHECK(again.str("/position") == first.str("/position"));
  CHECK(again.str("/events/0/id") == first.str("/events/0/id"));
  Reply reused = c.post("/v1/batches", batch_body("IDEM-2"), "key-1");
  CHECK(reused.status == 422);
  CHECK(reused.str("/code") == "idempotency_key_reused");
  CHECK(reused.str("/field") == "Idempotency-Key");
  CHECK(c.get_fresh("/v1/batches").size("/items") == 1);

  // The key survives a restart: the writer rebuilds its memory from the app.ledger.
  CHECK(app.server.stop() == 0);
  app.server.start();
  ApiClient after(app.port(), c.key());
  Reply third = after.post("/v1/batches", batch_body("IDEM-1"), "key-1");
  CHECK(third.status == 201);
  CHECK(third.header("Idempotent-Replayed") == "true");
  CHECK(third.str("/id") == first.str("/id"));
  CHECK(after.get("/v1/batches?after=" + first.str("/position")).size("/items") == 1);
  CHECK(app.server.stop() == 0);
}

AGRITRACE_TEST_BOTH_LEDGERS("Idempotency-Key: a retried command returns the first answer, appends nothing", idempotency)

// The server's clock moved forward by `days` (a restart with --clock-start).
std::vector<std::string> days_later(const TestApp& app, int days, std::vector<std::string> more = {}) {
  std::vector<std::string> flags = app.ledger.flags();
  flags.push_back("--clock-start");
  flags.push_back(core::format_rfc3339_utc(test_now_ms() + int64_t{days} * 24 * 3600 * 1000));
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

void idempotency_retention(Backend backend) {
  TestApp app(backend);
  ApiClient c = app.enterprise(kPlantUscc, "鲜达");
  Reply first = c.post("/v1/batches", batch_body("KEEP-1"), "key-1");
  REQUIRE(first.status == 201);
  CHECK(app.server.stop() == 0);
  {
    // Six days on (the default retention is 7 days): still the first answer.
    ServerProcess six(days_later(app, 6));
    six.start();
    Reply again = ApiClient(six.port(), c.key()).post("/v1/batches", batch_body("KEEP-1"), "key-1");
    CHECK(again.status == 201);
    CHECK(again.header("Idempotent-Replayed") == "true");
    CHECK(again.str("/id") == first.str("/id"));
    CHECK(six.stop() == 0);
  }
  {
    // Eight days on: 409 idempotency_key_expired, nothing appended, for any request under it.
    ServerProcess eight(days_later(app, 8));
    eight.start();
    ApiClient late(eight.port(), c.key());
    Reply expired = late.post("/v1/batches", batch_body("KEEP-1"), "key-1");
    CHECK(expired.status == 409);
    CHECK(expired.header("Content-Type") == "application/problem+json");
    CHECK(expired.str("/code") == "idempotency_key_expired");
    CHECK(expired.str("/field") == "Idempotency-Key");
    CHECK(late.post("/v1/batches", batch_body("KEEP-2"), "key-1").str("/code") == "idempotency_key_expired");
    CHECK(late.get_fresh("/v1/batches").size("/items") == 1);
    // A new key is a new command.
    CHECK(late.post("/v1/batches", batch_body("KEEP-2"), "key-2").status == 201);
    CHECK(eight.stop() == 0);
  }
  // The retention is a serve flag (days, 1..3650).
  std::vector<std::string> bad = {"serve", "--idempotency-retention-days", "0"};
  for (const std::string& f : app.ledger.flags()) bad.push_back(f);
  CHECK(run_agritrace(bad).exit_code == 2);
  {
    // With 30 days of retention the key of day 8 still answers on day 20.
    ServerProcess twenty(days_later(app, 20, {"--idempotency-retention-days", "30"}));
    twenty.start();
    Reply kept = ApiClient(twenty.port(), c.key()).post("/v1/batches", batch_body("KEEP-2"), "key-2");
    CHECK(kept.status == 201);
    CHECK(kept.header("Idempotent-Replayed") == "true");
    CHECK(twenty.stop() == 0);
  }
}

AGRITRACE_TEST_BOTH_LEDGERS("Idempotency-Key: a retry older than the retention answers 409 idempotency_key_expired", idempotency_retention)

void health_and_metrics(Backend backend) {
  TestApp app(backend);
  ApiClient c = app.enterprise(kPlantUscc, "鲜达");
  REQUIRE(c.post("/v1/batches", batch_body("M-1")).status == 201);
  Reply h = c.get_fresh("/healthz");
  CHECK(h.status == 200);
  CHECK(h.str("/status") == "ok");
  CHECK(h.str("/ledger/backend").find(backend == Backend::kKafka ? "kafka:" : "embedded:") == 0);
  CHECK(h.num("/projections/lag_events") >= 0);
  Reply m = c.get("/metrics");
  CHECK(m.status == 200);
  CHECK(m.body.find("agritrace_http_requests_total{") != std::string::npos);
  CHECK(m.body.find("route=\"/v1/batches\"") != std::string::npos);
  CHECK(m.body.find("agritrace_http_request_duration_seconds_bucket{") != std::string::npos);
  // enterprise + batch + the base catalogue's products (R-4.2.7), appended at the first start
  std::ifstream catalogue(std::string(AGRITRACE_SOURCE_DIR) + "/api/codes/catalogue.json");
  const std::string text((std::istreambuf_iterator<char>(catalogue)), std::istreambuf_iterator<char>());
  size_t products = 0;
  for (size_t at = text.find("\"product_id\""); at != std::string::npos; at = text.find("\"product_id\"", at + 1)) ++products;
  CHECK(products >= 40);
  CHECK(m.body.find(fmt::format("agritrace_events_appended_total {}\n", 2 + products)) != std::string::npos);
  CHECK(m.body.find("agritrace_projection_lag_events") != std::string::npos);
  CHECK(app.server.stop() == 0);
}

AGRITRACE_TEST_BOTH_LEDGERS("healthz and Prometheus metrics", health_and_metrics)

}  // namespace
}  // namespace agritrace::testing
