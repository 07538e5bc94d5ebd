// End to end on both ledgers: sales orders and shipping by scanned trace codes (R-4.2.3),
// whereabouts, recall and the resolver's recall warning (R-4.2.4), downstream analytics (R-4.2.10).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sstream>
#include <vector>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

void sales_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  register_enterprise(app.port(), kRetailUscc, "广州市天河区鲜果超市有限公司");

  // Counterparties: a registered retail enterprise and an individual as customers, a supplier.
  Reply retail = plant.post("/v1/counterparties",
                            fmt::format(R"({{"kind":"enterprise","roles":["customer"],"name":"广州市天河区鲜果超市有限公司","uscc":"{}","contact_person":"刘洋","phone":"13711112222","address":"广州市天河路 1 号","region":"广东省广州市"}})", kRetailUscc));
  REQUIRE(retail.status == 201);
  const std::string retail_id = retail.str("/id");
  const std::string person_id = new_counterparty(plant, fmt::format(R"({{"kind":"individual","roles":["customer"],"name":"张伟","id_number":"{}","phone":"13912345678","region":"广东省深圳市"}})", kPersonId));
  const std::string farm_id = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));

  // Material lot -> batch b1 (100 pieces); batch b2 for the wrong-batch refusal.
  const std::string lot_id = receive_material(plant, farm_id, 500).lot_id;
  Reply b1 = plant.post("/v1/batches", batch_body("DG-S1"));
  REQUIRE(b1.status == 201);
  const std::string b1_id = b1.str("/id");
  Reply b2 = plant.post("/v1/batches", batch_body("DG-S2"));
  const std::string b2_id = b2.str("/id");
  REQUIRE(plant.post("/v1/batches/" + b1_id + "/materials",
                     fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":300,"unit":"kg"}}}})", lot_id)).status == 201);

  // Codes through the codes engineer's routes: 1 piece per code.
  Reply tpl = plant.post("/v1/code-templates",
                         R"({"name":"单件","gtin":"6291041500213","base_url":"https://trace.example.cn","quantity_per_code":{"amount":1,"unit":"piece"}})");
  REQUIRE(tpl.status == 201);
  Reply run1 = plant.post("/v1/code-runs", fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":12}})", tpl.str("/id"), b1_id));
  REQUIRE(run1.status == 201);
  Reply run2 = plant.post("/v1/code-runs", fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":2}})", tpl.str("/id"), b2_id));
  REQUIRE(run2.status == 201);
  const auto codes = run_uris(plant, run1.str("/id"));
  const auto other = run_uris(plant, run2.str("/id"));
  REQUIRE(codes.size() == 12);
  REQUIRE(other.size() == 2);

  // R-4.2.3 orders: defaults from the batch; refusals.
  Reply so1 = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":5,"unit":"piece"}},"price_fen":150000}})", retail_id, b1_id));
  REQUIRE(so1.status == 201);
  const std::string so1_id = so1.str("/id");
  Reply so1_view = plant.get_fresh("/v1/sales-orders/" + so1_id);
  CHECK(so1_view.str("/product") == "净菜菜心 500g");
  CHECK(so1_view.str("/production_date") == days_from_today(-12));
  CHECK(so1_view.str("/status") == "open");
  CHECK(so1_view.num("/price_fen") == 150000);
  REQUIRE(plant.put("/v1/sales-orders/" + so1_id, fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":6,"unit":"piece"}}}})", retail_id, b1_id)).status == 200);
  CHECK(plant.get_fresh("/v1/sales-orders/" + so1_id).num("/quantity/amount") == 6);
  CHECK(plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"cp-99","batch_id":"{}","quantity":{{"amount":1,"unit":"piece"}}}})", b1_id)).str("/code") == "customer_not_found");
  Reply not_customer = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":1,"unit":"piece"}}}})", farm_id, b1_id));
  CHECK(not_customer.status == 422);
  CHECK(not_customer.str("/code") == "counterparty_not_customer");
  CHECK(plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":1,"unit":"kg"}}}})", retail_id, b1_id)).str("/code") == "unit_mismatch");
  Reply too_much = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":101,"unit":"piece"}}}})", retail_id, b1_id));
  CHECK(too_much.status == 409);
  CHECK(too_much.str("/code") == "order_exceeds_stock");
  CHECK(plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":1,"unit":"piece"}},"colour":"red"}})", retail_id, b1_id)).str("/code") == "unknown_field");

  // R-4.2.3 shipping: 4 codes (full URIs and paths both accepted) -> partially shipped.
  Reply sh1 = plant.post("/v1/sales-orders/" + so1_id + "/shipments",
                         codes_body({codes[0], codes[1], path_of(codes[2]), path_of(codes[3])}));
  REQUIRE(sh1.status == 201);
  CHECK(sh1.size("/events") == 2);  // shipment.recorded + sales_order.status_changed
  Reply sh1_view = plant.get_fresh("/v1/shipments/" + sh1.str("/id"));
  CHECK(sh1_view.num("/quantity/amount") == 4);
  CHECK(sh1_view.str("/ship_to_tenant") == kRetailUscc);
  CHECK(sh1_view.str("/ship_from") == kPlantUscc);
  CHECK(sh1_view.size("/serials") == 4);
  CHECK(plant.get_fresh("/v1/sales-orders/" + so1_id).str("/status") == "partially_shipped");

  // Disabled code (codes engineer's route).
  REQUIRE(plant.post("/v1/codes/" + serial_of(codes[4]) + "/disable", R"({"reason":"标签破损"})").status == 200);

  // One scan with every kind of bad code: refused entirely, each code with its reason.
  const std::string unknown = path_of(codes[5]).substr(0, path_of(codes[5]).rfind('/') + 1) + "ZZZZZZZZZZZZZ";
  Reply bad = plant.post("/v1/sales-orders/" + so1_id + "/shipments",
                         codes_body({codes[5], codes[0], unknown, other[0], codes[4], "hello", codes[5]}));
  REQUIRE(bad.status == 422);
  CHECK(bad.str("/code") == "codes_refused");
  REQUIRE(bad.size("/codes") == 6);
  CHECK(bad.str("/codes/0/code") == codes[0]);
  CHECK(bad.str("/codes/0/reason") == "code_already_shipped");
  CHECK(bad.str("/codes/1/reason") == "code_unknown");
  CHECK(bad.str("/codes/2/reason") == "code_wrong_batch");
  CHECK(bad.str("/codes/3/reason") == "code_disabled");
  CHECK(bad.str("/codes/4/reason") == "code_syntax");
  CHECK(bad.str("/codes/5/reason") == "code_duplicate_in_scan");
  CHECK(plant.get_fresh("/v1/sales-orders/" + so1_id).num("/shipped_quantity/amount") == 4);

  // Over-shipping the order (2 left, 3 scanned).
  Reply over = plant.post("/v1/sales-orders/" + so1_id + "/shipments", codes_body({codes[5], codes[6], codes[7]}));
  CHECK(over.status == 409);
  CHECK(over.str("/code") == "order_over_shipped");
  Reply sh2 = plant.post("/v1/sales-orders/" + so1_id + "/shipments",
                         R"({"codes":[")" + codes[5] + R"(",")" + codes[6] + R"("],"ship_date":")" + days_from_today(-10) + R"("})");
  REQUIRE(sh2.status == 201);
  CHECK(plant.get_fresh("/v1/sales-orders/" + so1_id).str("/status") == "shipped");
  CHECK(plant.post("/v1/sales-orders/" + so1_id + "/shipments", codes_body({codes[7]})).str("/code") == "sales_order_not_open");
  CHECK(plant.post("/v1/sales-orders/" + so1_id + "/cancel", "{}").str("/code") == "sales_order_not_open");
  CHECK(plant.put("/v1/sales-orders/" + so1_id, fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":6,"unit":"piece"}}}})", retail_id, b1_id)).status == 409);
  CHECK(plant.post("/v1/sales-orders/so-77/shipments", codes_body({codes[7]})).status == 404);

  // An individual's order: cancelled, then shipping it is refused.
  Reply so2 = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":2,"unit":"piece"}}}})", person_id, b1_id));
  REQUIRE(so2.status == 201);
  REQUIRE(plant.post("/v1/sales-orders/" + so2.str("/id") + "/shipments", codes_body({codes[7]})).status == 201);
  REQUIRE(plant.post("/v1/sales-orders/" + so2.str("/id") + "/cancel", R"({"reason":"客户改期"})").status == 200);
  CHECK(plant.get_fresh("/v1/sales-orders/" + so2.str("/id")).str("/status") == "cancelled");
  CHECK(plant.post("/v1/sales-orders/" + so2.str("/id") + "/shipments", codes_body({codes[8]})).str("/code") == "sales_order_not_open");
  // An open order that the recall must list.
  Reply so3 = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":3,"unit":"piece"}}}})", retail_id, b1_id));
  REQUIRE(so3.status == 201);
  CHECK(plant.post("/v1/sales-orders/" + so3.str("/id") + "/shipments", R"({"codes":[]})").str("/code") == "codes_required");
  Reply list = plant.get_fresh("/v1/sales-orders");
  CHECK(list.size("/items") == 3);

  // R-4.2.4 whereabouts by batch, lot and code.
  Reply wb = plant.get_fresh("/v1/whereabouts?batch_id=" + b1_id);
  REQUIRE(wb.status == 200);
  CHECK(wb.num("/batches/0/in_stock/amount") == 100 - 7);
  CHECK(wb.str("/batches/0/locations/0/kind") == "own_stock");
  CHECK(wb.str("/batches/0/locations/1/customer_id") == retail_id);
  // The registered retailer has received none of the 6 yet: they are in transit, not with it.
  CHECK(wb.num("/batches/0/locations/1/shipped/amount") == 6);
  CHECK(wb.num("/batches/0/locations/1/quantity/amount") == 0);
  CHECK(wb.num("/batches/0/locations/1/in_transit/amount") == 6);
  CHECK(wb.size("/batches/0/locations/1/shipments") == 2);
  CHECK(wb.str("/batches/0/locations/1/holder") == kRetailUscc);
  CHECK(wb.str("/batches/0/locations/2/customer/id_number") == "441322********1238");  // masked
  CHECK(wb.body.find(kPersonId) == std::string::npos);
  CHECK(wb.size("/batches/0/open_orders") == 1);
  Reply wl = plant.get_fresh("/v1/whereabouts?lot_id=" + lot_id);
  REQUIRE(wl.status == 200);
  CHECK(wl.size("/batches") == 1);
  CHECK(wl.str("/batches/0/batch_id") == b1_id);
  Reply wc = plant.get_fresh("/v1/whereabouts?code=" + path_of(codes[0]));
  REQUIRE(wc.status == 200);
  CHECK(wc.str("/code/location") == "customer");
  CHECK(wc.str("/code/customer_id") == retail_id);
  CHECK(plant.get_fresh("/v1/whereabouts?code=" + path_of(codes[9])).str("/code/location") == "own_stock");
  CHECK(plant.get_fresh("/v1/whereabouts").status == 422);
  CHECK(plant.get_fresh("/v1/whereabouts?batch_id=b-99").status == 404);

  // R-4.2.10 downstream analytics: wholesale to the supermarket, retail to the individual.
  Reply by_day = plant.get_fresh("/v1/analytics/downstream?product=" + std::string("净菜菜心%20500g") + "&group_by=day");
  REQUIRE(by_day.status == 200);
  REQUIRE(by_day.size("/rows") == 2);
  CHECK(by_day.str("/rows/0/day") == days_from_today(-10));
  CHECK(by_day.num("/rows/0/wholesale") == 2);
  CHECK(by_day.num("/rows/1/wholesale") + by_day.num("/rows/1/retail") == 5);
  Reply by_region = plant.get_fresh("/v1/analytics/downstream?product=" + std::string("净菜菜心%20500g") + "&group_by=region&from=" + days_from_today(-337));
  REQUIRE(by_region.size("/rows") == 2);
  CHECK(by_region.str("/rows/0/region") == "广东省广州市");
  CHECK(by_region.num("/rows/0/wholesale") == 6);
  CHECK(by_region.num("/rows/1/retail") == 1);
  CHECK(plant.get_fresh("/v1/analytics/downstream?product=x&group_by=week").status == 422);
  CHECK(plant.get_fresh("/v1/analytics/downstream").status == 422);

  // R-4.2.4 recall of the material lot.
  CHECK(plant.post("/v1/recalls", R"({"scope":"lot","id":"lot-99","reason":"x"})").status == 404);
  CHECK(plant.post("/v1/recalls", R"({"scope":"pallet","id":"x","reason":"x"})").str("/code") == "recall_scope_unknown");
  Reply rc = plant.post("/v1/recalls", fmt::format(R"({{"scope":"lot","id":"{}","reason":"农药残留超标（毒死蜱）"}})", lot_id));
  REQUIRE(rc.status == 201);
  Reply report = plant.get_fresh("/v1/recalls/" + rc.str("/id"));
  REQUIRE(report.status == 200);
  CHECK(report.size("/shipped") == 3);
  CHECK(report.str("/shipped/0/customer/contact_person") == "刘洋");
  CHECK(report.str("/shipped/0/customer/phone") == "137****2222");
  CHECK(report.size("/open_orders") == 1);
  CHECK(report.str("/open_orders/0/so_id") == so3.str("/id"));
  CHECK(report.num("/quarantine/0/quantity/amount") == 93);
  Reply csv = plant.get_fresh("/v1/recalls/" + rc.str("/id") + "/report.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").starts_with("text/csv"));
  CHECK(csv.body.starts_with("traceability_lot_code,quantity,unit_of_measure,product_description,"));
  CHECK(csv.body.find("DG-S1,4,piece,净菜菜心 500g,customer,") != std::string::npos);
  CHECK(csv.body.find(",own_stock,") != std::string::npos);
  CHECK(csv.body.find(",sales_order," + so3.str("/id")) != std::string::npos);
  CHECK(plant.get_fresh("/v1/recalls/rc-9").status == 404);
  CHECK(plant.get_fresh("/v1/recalls").size("/items") == 1);

  // The recalled batch: no new orders or shipments; the resolver shows the warning.
  Reply stopped = plant.post("/v1/sales-orders/" + so3.str("/id") + "/shipments", codes_body({codes[9]}));
  CHECK(stopped.status == 409);
  CHECK(stopped.str("/code") == "batch_recalled");
  CHECK(plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":1,"unit":"piece"}}}})", retail_id, b1_id)).str("/code") == "batch_recalled");
  Reply status = plant.get_fresh("/v1/recall-status?code=" + path_of(codes[0]));
  CHECK(status.status == 200);
  CHECK(status.body.find("\"recalled\":true") != std::string::npos);
  ApiClient anonymous(app.port());
  Reply resolved = anonymous.get(path_of(codes[0]) + "?linkType=gs1:traceability");
  REQUIRE(resolved.status == 200);
  CHECK(resolved.body.find("\"recall_status\":{\"recalled\":true") != std::string::npos);
  Reply page = anonymous.get(path_of(codes[0]));
  CHECK(page.body.find("召回警告") != std::string::npos);
  Reply fine = anonymous.get(path_of(other[1]) + "?linkType=gs1:traceability");
  CHECK(fine.body.find("\"recall_status\":{\"recalled\":false") != std::string::npos);

  // A single-code recall stops that code only.
  Reply rc2 = plant.post("/v1/recalls", fmt::format(R"({{"scope":"code","id":"{}","reason":"包装破损"}})", other[0]));
  REQUIRE(rc2.status == 201);
  CHECK(plant.get_fresh("/v1/recall-status?code=" + path_of(other[1])).body.find("\"recalled\":false") != std::string::npos);
  CHECK(plant.get_fresh("/v1/recall-status?code=" + path_of(other[0])).body.find("\"recalled\":true") != std::string::npos);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.3 R-4.2.4 R-4.2.10 sales, shipping, whereabouts, recall, analytics", sales_slice)

}  // namespace agritrace::testing
