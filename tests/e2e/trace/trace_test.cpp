// End to end on both ledgers: receipts (R-4.3.2) and tracing across enterprises (R-4.2.4):
// backward and forward traces, whereabouts, recall and one code's path follow the goods through
// every enterprise they reach.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <vector>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/lineage_rows.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// The production end alone: the plant ships coded goods to a registered retailer that has not
// received them yet.
void production_end(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient retail = app.enterprise(kRetailUscc, "广州市天河区鲜果超市有限公司");

  const std::string farm_id = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  const auto [po_id, lot_id] = receive_material(plant, farm_id, 500);
  const std::string b1_id = batch_of_lot(plant, "DG-T1", lot_id, 300);
  std::vector<std::string> codes;
  code_run(plant, b1_id, "6291041500213", R"({"amount":1,"unit":"piece"})", 4, &codes);
  const std::string shop_id = new_counterparty(plant, fmt::format(R"({{"kind":"enterprise","roles":["customer"],"name":"广州市天河区鲜果超市有限公司","uscc":"{}","contact_person":"刘洋","phone":"13711112222","region":"广东省广州市"}})", kRetailUscc));
  Reply so = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":2,"unit":"piece"}}}})", shop_id, b1_id));
  REQUIRE(so.status == 201);
  // The shipping route learns from the views whether the customer is a registered enterprise.
  REQUIRE(plant.get_fresh("/v1/sales-orders/" + so.str("/id")).status == 200);
  Reply sh = plant.post("/v1/sales-orders/" + so.str("/id") + "/shipments", codes_body({codes[0], codes[1]}));
  REQUIRE(sh.status == 201);

  // R-4.3.2: nothing received yet.
  Reply none = retail.get_fresh("/v1/receipts?after=" + plant.last_position());
  REQUIRE(none.status == 200);
  CHECK(none.size("/items") == 0);
  Reply missing = retail.get("/v1/receipts/rcv-1");
  CHECK(missing.status == 404);
  CHECK(missing.str("/code") == "receipt_not_found");
  CHECK(missing.str("/field") == "receipt_id");

  // One code's path: shipped, in transit to the registered retailer; the retailer never held it.
  Reply path = plant.get_fresh("/v1/trace/code?code=" + codes[0]);
  REQUIRE(path.status == 200);
  CHECK(path.str("/status") == "in_transit");
  CHECK(path.str("/producer/enterprise") == kPlantUscc);
  CHECK(path.str("/batch_id") == b1_id);
  REQUIRE(path.size("/steps") == 2);
  CHECK(path.str("/steps/1/step") == "shipped");
  CHECK(path.str("/steps/1/shipment_id") == sh.str("/id"));
  CHECK(path.str("/steps/1/receiver/enterprise") == kRetailUscc);
  CHECK(plant.get_fresh("/v1/trace/code?code=" + serial_of(codes[3])).str("/status") == "in_stock");
  Reply not_theirs = retail.get_fresh("/v1/trace/code?code=" + path_of(codes[0]) + "&after=" + plant.last_position());
  check_problem(not_theirs, 404, "code_not_found", "");
  check_problem(plant.get_fresh("/v1/trace/code"), 422, "field_required", "code");
  CHECK(plant.get_fresh("/v1/trace/code?code=/01/123/10/x/21/y").status == 422);

  // Whereabouts and recall list the shipment in transit; the walk starts at the plant.
  Reply wb = plant.get_fresh("/v1/whereabouts?batch_id=" + b1_id);
  REQUIRE(wb.status == 200);
  REQUIRE(wb.size("/in_transit") == 1);
  CHECK(wb.num("/in_transit/0/quantity/amount") == 2);
  CHECK(wb.str("/in_transit/0/to/enterprise") == kRetailUscc);
  CHECK(wb.size("/enterprises") == 1);
  CHECK(wb.size("/retail_sales") == 0);

  // Backward trace of a purchased lot: its supplier and order, nothing further upstream.
  Reply back = plant.get_fresh("/v1/material-lots/" + lot_id + "/trace/backward");
  REQUIRE(back.status == 200);
  CHECK(back.str("/purchase_order/po_id") == po_id);
  CHECK(back.str("/supplier/name") == "博罗县绿源菜心种植专业合作社");
  CHECK(back.body.find("\"upstream\":null") != std::string::npos);
  CHECK(plant.get_fresh("/v1/material-lots/lot-99/trace/backward").str("/code") == "material_lot_not_found");
  CHECK(retail.get_fresh("/v1/material-lots/" + lot_id + "/trace/backward").status == 404);
  Reply fwd = plant.get_fresh("/v1/material-lots/" + lot_id + "/trace/forward");
  REQUIRE(fwd.status == 200);
  CHECK(fwd.size("/downstream/enterprises/0/items") == 2);
  CHECK(fwd.num("/downstream/enterprises/0/items/0/stock/amount") == 200000);
  CHECK(plant.get_fresh("/v1/batches/" + b1_id + "/trace/backward").body.find("\"upstream\":null") != std::string::npos);

  Reply rc = plant.post("/v1/recalls", fmt::format(R"({{"scope":"lot","id":"{}","reason":"农残超标"}})", lot_id));
  REQUIRE(rc.status == 201);
  Reply report = plant.get_fresh("/v1/recalls/" + rc.str("/id"));
  REQUIRE(report.status == 200);
  CHECK(report.size("/shipped") == 1);
  CHECK(report.size("/in_transit") == 1);
  REQUIRE(report.size("/quarantine") == 2);  // the batch's stock, then the lot's remainder
  CHECK(report.num("/quarantine/0/quantity/amount") == 98);
  CHECK(report.str("/quarantine/1/item_id") == lot_id);
  CHECK(report.num("/quarantine/1/quantity/amount") == 200000);
}

constexpr const char* kWholesalerUscc = "91440111MA5CWHL01B";
constexpr const char* kShop1Uscc = "92440300MA5FTR0015";
constexpr const char* kShop2Uscc = "92440300MA5FTR0028";

std::string order_body(const std::string& customer_id, const std::string& item, int64_t amount, const char* unit) {
  return fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":{},"unit":"{}"}}}})", customer_id,
                     item, amount, unit);
}

std::vector<std::string> slice(const std::vector<std::string>& v, size_t from, size_t to) {
  return std::vector<std::string>(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to));
}

// The demo chain's farm, registered on `app` (where both chains of this file start).
ApiClient demo_farm(const TestApp& app) {
  return app.enterprise(kFarmUscc, "博罗县绿源农业有限公司", "广东省惠州市博罗县");
}

// The demo chain over HTTP: farm -> processor -> Guangzhou wholesaler -> two Shenzhen shops ->
// consumers; the farm's recall of its seed lot finds every retail sale.
void chain(Backend backend) {
  TestApp app(backend);
  const uint16_t port = app.port();
  ApiClient farm = demo_farm(app);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司", "广东省东莞市");
  ApiClient wholesaler = app.enterprise(kWholesalerUscc, "广州市江南果菜批发有限公司", "广东省广州市白云区");
  ApiClient shop1 = app.enterprise(kShop1Uscc, "深圳市福田区鲜果超市有限公司", "广东省深圳市福田区");
  ApiClient shop2 = app.enterprise(kShop2Uscc, "深圳市南山区生鲜便利店有限公司", "广东省深圳市南山区");
  // Every client's last write is in the views: each waits for its own position (views only grow).
  auto settle = [&] {
    for (ApiClient* c : {&farm, &plant, &wholesaler, &shop1, &shop2}) REQUIRE(c->get_fresh("/v1/receipts").status == 200);
  };

  // Farm: seed lot -> batch of 200 kg in 10 kg crates -> 100 kg to the processor.
  const std::string seeds_id = new_counterparty(farm, enterprise_supplier_body("91440101MA59XYW12B"));
  const std::string seed_lot = receive_material(farm, seeds_id, 5, 24).lot_id;
  Reply fb = farm.post("/v1/batches", R"({"product":"菜心","lot_code":"FARM-1120","quantity":{"amount":200,"unit":"kg"},"production_date":")" + days_from_today(-14) + R"(","expiry_date":")" + days_from_today(16) + R"("})");
  REQUIRE(fb.status == 201);
  REQUIRE(farm.post("/v1/batches/" + fb.str("/id") + "/materials",
                    fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":2,"unit":"kg"}}}})", seed_lot)).status == 201);
  std::vector<std::string> crates;
  code_run(farm, fb.str("/id"), "6291041500213", R"({"amount":10,"unit":"kg"})", 20, &crates);
  const std::string to_plant_id = new_counterparty(farm, enterprise_customer_body(kPlantUscc, "东莞市鲜达农产品加工有限公司", "广东省东莞市"));
  Reply fso = farm.post("/v1/sales-orders", order_body(to_plant_id, fb.str("/id"), 100, "kg"));
  REQUIRE(fso.status == 201);
  Reply fsh = farm.post("/v1/sales-orders/" + fso.str("/id") + "/shipments", codes_body(slice(crates, 0, 10)));
  REQUIRE(fsh.status == 201);

  // Processor: receives the crates, makes 20 packs from 60 kg, ships 12 to the wholesaler.
  Reply prcv = plant.post("/v1/receipts", codes_body(slice(crates, 0, 10)));
  INFO(prcv.body);
  REQUIRE(prcv.status == 201);
  Reply pb = plant.post("/v1/batches", batch_body("PROC-1122"));
  REQUIRE(pb.status == 201);
  Reply consumed = plant.post("/v1/batches/" + pb.str("/id") + "/materials",
                              R"({"lot_id":"lot-1","quantity":{"amount":60,"unit":"kg"}})");
  INFO(consumed.body);
  REQUIRE(consumed.status == 201);
  std::vector<std::string> packs;
  code_run(plant, pb.str("/id"), "6901234000016", R"({"amount":1,"unit":"piece"})", 20, &packs);
  const std::string to_wholesaler_id = new_counterparty(plant, enterprise_customer_body(kWholesalerUscc, "广州市江南果菜批发有限公司", "广东省广州市"));
  Reply pso = plant.post("/v1/sales-orders", order_body(to_wholesaler_id, pb.str("/id"), 12, "piece"));
  REQUIRE(pso.status == 201);
  REQUIRE(plant.post("/v1/sales-orders/" + pso.str("/id") + "/shipments", codes_body(slice(packs, 0, 12))).status == 201);

  // Wholesaler: 10 packs arrive (2 missing), one more later into the same lot; 4 to each shop,
  // one more to the second shop that it has not received yet.
  REQUIRE(wholesaler.post("/v1/receipts", codes_body(slice(packs, 0, 10))).status == 201);
  REQUIRE(wholesaler.post("/v1/receipts", codes_body(slice(packs, 10, 11))).status == 201);
  Reply c1 = wholesaler.post("/v1/counterparties", enterprise_customer_body(kShop1Uscc, "深圳市福田区鲜果超市有限公司", "广东省深圳市"));
  Reply c2 = wholesaler.post("/v1/counterparties", enterprise_customer_body(kShop2Uscc, "深圳市南山区生鲜便利店有限公司", "广东省深圳市"));
  REQUIRE(c1.status == 201);
  REQUIRE(c2.status == 201);
  Reply wso1 = wholesaler.post("/v1/sales-orders", order_body(c1.str("/id"), "lot-1", 4, "piece"));
  Reply wso2 = wholesaler.post("/v1/sales-orders", order_body(c2.str("/id"), "lot-1", 6, "piece"));
  REQUIRE(wso1.status == 201);
  REQUIRE(wso2.status == 201);
  REQUIRE(wholesaler.post("/v1/sales-orders/" + wso1.str("/id") + "/shipments", codes_body(slice(packs, 0, 4))).status == 201);
  REQUIRE(wholesaler.post("/v1/sales-orders/" + wso2.str("/id") + "/shipments", codes_body(slice(packs, 4, 8))).status == 201);
  REQUIRE(wholesaler.post("/v1/sales-orders/" + wso2.str("/id") + "/shipments", codes_body(slice(packs, 8, 9))).status == 201);

  // Shops: receive and sell to consumers (one with a customer record and a WeChat Pay voucher).
  REQUIRE(shop1.post("/v1/receipts", codes_body(slice(packs, 0, 4))).status == 201);
  REQUIRE(shop2.post("/v1/receipts", codes_body(slice(packs, 4, 8))).status == 201);
  const std::string zhang_id = new_counterparty(shop1, fmt::format(R"({{"kind":"individual","roles":["customer"],"name":"张伟","id_number":"{}","phone":"13912345678","region":"广东省深圳市"}})", kPersonId));
  Reply sale1 = shop1.post("/v1/retail-sales", fmt::format(R"({{"codes":["{}"],"customer_id":"{}","payment_voucher":"4200001234202611250001","price_fen":1290}})", packs[0], zhang_id));
  INFO(sale1.body);
  REQUIRE(sale1.status == 201);
  REQUIRE(shop1.post("/v1/retail-sales", codes_body(slice(packs, 1, 2))).status == 201);
  REQUIRE(shop2.post("/v1/retail-sales", fmt::format(R"({{"codes":["{}","{}"],"payment_voucher":"AP8800007777"}})", packs[4], packs[5])).status == 201);

  // R-4.3.2 the receipts and the lots they made.
  settle();
  Reply receipts = wholesaler.get_fresh("/v1/receipts");
  REQUIRE(receipts.size("/items") == 2);
  Reply rcv1 = wholesaler.get_fresh("/v1/receipts/rcv-1");
  CHECK(rcv1.str("/source") == "scan");
  CHECK(rcv1.str("/from_tenant") == kPlantUscc);
  CHECK(rcv1.str("/from_name") == "东莞市鲜达农产品加工有限公司");
  CHECK(rcv1.str("/product") == "净菜菜心 500g");
  CHECK(rcv1.str("/lot_code") == "PROC-1122");
  CHECK(rcv1.str("/production_date") == days_from_today(-12));
  CHECK(rcv1.num("/quantity/amount") == 10);
  CHECK(rcv1.size("/serials") == 10);
  CHECK(rcv1.size("/missing_serials") == 2);
  Reply wlot = wholesaler.get_fresh("/v1/material-lots/lot-1");
  CHECK(wlot.num("/received_quantity/amount") == 11);
  CHECK(wlot.num("/stock_quantity/amount") == 2);
  CHECK(wlot.str("/origin/enterprise") == kPlantUscc);
  CHECK(wlot.str("/origin/batch_id") == pb.str("/id"));

  // R-4.2.4 the farm's recall of its seed lot: every retail sale, three enterprises downstream.
  Reply rc = farm.post("/v1/recalls", fmt::format(R"({{"scope":"lot","id":"{}","reason":"种子批次农残超标"}})", seed_lot));
  REQUIRE(rc.status == 201);
  Reply report = farm.get_fresh("/v1/recalls/" + rc.str("/id"));
  INFO(report.body);
  REQUIRE(report.status == 200);
  REQUIRE(report.size("/retail_sales") == 3);
  CHECK(report.str("/retail_sales/0/enterprise") == kShop1Uscc);
  CHECK(report.str("/retail_sales/0/customer/name") == "张*");
  CHECK(report.str("/retail_sales/1/enterprise") == kShop1Uscc);
  CHECK(report.str("/retail_sales/2/enterprise") == kShop2Uscc);
  CHECK(report.num("/retail_sales/2/quantity/amount") == 2);
  CHECK(report.body.find("\"payment_voucher_present\":true") != std::string::npos);
  for (const char* secret : {"张伟", "13912345678", kPersonId, "4200001234202611250001", "AP8800007777"}) {
    CHECK_MESSAGE(report.body.find(secret) == std::string::npos, secret);
  }
  CHECK(report.size("/enterprises") == 5);
  CHECK(report.size("/shipped") == 1 + 1 + 3 + 2 + 1);
  REQUIRE(report.size("/open_orders") == 1);  // the wholesaler's second order: 1 of 6 left
  CHECK(report.str("/open_orders/0/enterprise") == kWholesalerUscc);
  CHECK(report.num("/open_orders/0/remaining/amount") == 1);
  CHECK(report.size("/in_transit") == 1);  // one pack to shop 2
  CHECK(report.size("/missing") == 1);     // one pack recorded missing at the wholesaler's receipt
  Reply csv = farm.get_fresh("/v1/recalls/" + rc.str("/id") + "/report.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.body.find(",consumer,张*") != std::string::npos);
  CHECK(csv.body.find(",enterprise_stock,深圳市南山区生鲜便利店有限公司") != std::string::npos);
  CHECK(csv.body.find("张伟") == std::string::npos);
  Reply where = farm.get_fresh("/v1/whereabouts?lot_id=" + seed_lot);
  CHECK(where.size("/retail_sales") == 3);
  CHECK(where.size("/enterprises") == 5);

  // Backward: a shop's lot back to the farm's seed supplier; the processor's batch to the farm.
  Reply back = shop1.get_fresh("/v1/material-lots/lot-1/trace/backward");
  INFO(back.body);
  REQUIRE(back.status == 200);
  CHECK(back.str("/upstream/enterprise") == kWholesalerUscc);
  CHECK(back.str("/upstream/item/upstream/enterprise") == kPlantUscc);
  CHECK(back.str("/upstream/item/upstream/item/materials/0/upstream/enterprise") == kFarmUscc);
  CHECK(back.str("/upstream/item/upstream/item/materials/0/upstream/item/materials/0/supplier/name") ==
        "博罗县绿源菜心种植专业合作社");
  CHECK(plant.get_fresh("/v1/batches/" + pb.str("/id") + "/trace/backward").str("/materials/0/upstream/enterprise") == kFarmUscc);
  Reply fwd = farm.get_fresh("/v1/material-lots/" + seed_lot + "/trace/forward");
  CHECK(fwd.size("/downstream/retail_sales") == 3);

  // One code: the shop sees its own sale in full, the processor the path with the consumer masked.
  Reply code = shop1.get_fresh("/v1/trace/code?code=" + path_of(packs[0]));
  INFO(code.body);
  REQUIRE(code.status == 200);
  CHECK(code.str("/status") == "sold_to_consumer");
  CHECK(code.size("/steps") == 6);
  CHECK(code.str("/steps/5/payment_voucher") == "4200001234202611250001");
  Reply seen_by_plant = plant.get_fresh("/v1/trace/code?code=" + serial_of(packs[0]));
  CHECK(seen_by_plant.str("/steps/5/customer/name") == "张*");
  CHECK(seen_by_plant.body.find("4200001234202611250001") == std::string::npos);
  CHECK(shop2.get_fresh("/v1/trace/code?code=" + path_of(packs[0])).status == 404);
  CHECK(wholesaler.get_fresh("/v1/trace/code?code=" + path_of(packs[8])).str("/status") == "in_transit");
  CHECK(plant.get_fresh("/v1/trace/code?code=" + path_of(packs[11])).str("/status") == "missing_at_receipt");
  Reply crate = farm.get_fresh("/v1/trace/code?code=" + path_of(crates[0]));
  CHECK(crate.str("/holder/enterprise") == kPlantUscc);
  Reply held = shop1.get_fresh("/v1/whereabouts?code=" + path_of(packs[2]));
  REQUIRE(held.status == 200);
  CHECK(held.str("/code/location") == "own_stock");
  CHECK(held.str("/path/holder/enterprise") == kShop1Uscc);
  Reply made = plant.get_fresh("/v1/whereabouts?code=" + path_of(packs[0]));
  CHECK(made.str("/path/status") == "sold_to_consumer");
  // The public resolver warns about the pack: its farm's seed lot is recalled, three enterprises up.
  ApiClient anonymous(port);
  Reply scan = anonymous.get(path_of(packs[2]) + "?linkType=gs1:traceability");
  REQUIRE(scan.status == 200);
  CHECK(scan.body.find("\"recall_status\":{\"recalled\":true") != std::string::npos);
  CHECK(scan.body.find(kFarmUscc) != std::string::npos);
}

constexpr const char* kGiftUscc =
    "91440111MA5GFT012L";  // a wholesaler that repacks into gift boxes
constexpr const char* kGiftShopUscc = "92440300MA5GHP123H";

// Issue 11 end to end: the farm's crates reach a wholesaler in part (two missing), are repacked
// there into gift boxes, partly written off at a stocktake; the boxes reach a shop in part (one
// missing) and one is sold; the farm recalls its seed lot. Every view and every asker agree, and
// `agritrace replay` rebuilds the same views.
void repack_and_recall(Backend backend) {
  TestApp app(backend);
  const uint16_t port = app.port();
  ApiClient farm = demo_farm(app);
  ApiClient gift = app.enterprise(kGiftUscc, "广州市礼品菜心批发有限公司", "广东省广州市");
  ApiClient shop = app.enterprise(kGiftShopUscc, "深圳市礼盒生鲜店", "广东省深圳市南山区");
  ApiClient outsider = app.enterprise(kRetailUscc, "广州市天河区鲜果超市有限公司");

  const std::string seeds_id =
      new_counterparty(farm, enterprise_supplier_body("91440101MA59XYW12B"));
  const std::string seed_lot = receive_material(farm, seeds_id, 5, 24).lot_id;
  Reply fb = farm.post(
      "/v1/batches",
      R"({"product":"菜心","lot_code":"FARM-RP","quantity":{"amount":200,"unit":"kg"},"production_date":")" +
          days_from_today(-14) + R"("})");
  REQUIRE(fb.status == 201);
  const std::string farm_batch = fb.str("/id");
  REQUIRE(
      farm.post("/v1/batches/" + farm_batch + "/materials",
                fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":2,"unit":"kg"}}}})", seed_lot))
          .status == 201);
  std::vector<std::string> crates;
  code_run(farm, farm_batch, "6291041500213", R"({"amount":10,"unit":"kg"})", 20, &crates);
  const std::string to_gift = new_counterparty(
      farm, enterprise_customer_body(kGiftUscc, "广州市礼品菜心批发有限公司", "广东省广州市"));
  Reply fso = farm.post("/v1/sales-orders", order_body(to_gift, farm_batch, 100, "kg"));
  REQUIRE(fso.status == 201);
  REQUIRE(farm.post("/v1/sales-orders/" + fso.str("/id") + "/shipments",
                    codes_body(slice(crates, 0, 10)))
              .status == 201);

  // The wholesaler scans 8 crates (2 missing), repacks 60 kg into gift boxes, counts 10 kg left of
  // the 20 (10 kg written off) and ships 6 boxes to the shop, which scans 5 (1 missing), sells 1.
  Reply rcv = gift.post("/v1/receipts", codes_body(slice(crates, 0, 8)));
  INFO(rcv.body);
  REQUIRE(rcv.status == 201);
  Reply gb = gift.post("/v1/batches", batch_body("GIFT-RP"));
  REQUIRE(gb.status == 201);
  const std::string gift_batch = gb.str("/id");
  REQUIRE(gift.post("/v1/batches/" + gift_batch + "/materials",
                    R"({"lot_id":"lot-1","quantity":{"amount":60,"unit":"kg"}})")
              .status == 201);
  std::vector<std::string> boxes;
  code_run(gift, gift_batch, "6901234000016", R"({"amount":1,"unit":"piece"})", 10, &boxes);
  Reply st = gift.post(
      "/v1/stocktakes",
      R"({"counts":[{"item_id":"lot-1","counted":{"amount":10,"unit":"kg"},"reason":"腐损"}]})");
  INFO(st.body);
  REQUIRE(st.status == 201);
  const std::string to_shop = new_counterparty(
      gift, enterprise_customer_body(kGiftShopUscc, "深圳市礼盒生鲜店", "广东省深圳市"));
  Reply gso = gift.post("/v1/sales-orders", order_body(to_shop, gift_batch, 6, "piece"));
  REQUIRE(gso.status == 201);
  REQUIRE(
      gift.post("/v1/sales-orders/" + gso.str("/id") + "/shipments", codes_body(slice(boxes, 0, 6)))
          .status == 201);
  REQUIRE(shop.post("/v1/receipts", codes_body(slice(boxes, 0, 5))).status == 201);
  REQUIRE(shop.post("/v1/retail-sales", codes_body(slice(boxes, 0, 1))).status == 201);
  Reply rc = farm.post(
      "/v1/recalls",
      fmt::format(R"({{"scope":"lot","id":"{}","reason":"种子批次农残超标"}})", seed_lot));
  REQUIRE(rc.status == 201);
  for (ApiClient* c : {&gift, &shop}) REQUIRE(c->get_fresh("/v1/receipts").status == 200);

  // The recall's lineage: every holder of every enterprise, with codes and quantities.
  Reply lineage = farm.get_fresh("/v1/recalls/" + rc.str("/id") + "/lineage");
  INFO(lineage.body);
  REQUIRE(lineage.status == 200);
  const LineageRows expected = {
      {fmt::format("own_stock {} {}", kFarmUscc, seed_lot), {0, 3000}},
      {fmt::format("consumed_into {} {} -> {}", kFarmUscc, seed_lot, farm_batch), {0, 2000}},
      {fmt::format("own_stock {} {}", kFarmUscc, farm_batch), {10, 100000}},
      {fmt::format("missing {} {}", kFarmUscc, farm_batch), {2, 20000}},
      {fmt::format("own_stock {} lot-1", kGiftUscc), {1, 10000}},
      {fmt::format("consumed_into {} lot-1 -> {}", kGiftUscc, gift_batch), {6, 60000}},
      {fmt::format("written_off {} lot-1", kGiftUscc), {1, 10000}},
      {fmt::format("own_stock {} {}", kGiftUscc, gift_batch), {4, 94}},
      {fmt::format("missing {} {}", kGiftUscc, gift_batch), {1, 1}},
      {fmt::format("own_stock {} lot-1", kGiftShopUscc), {4, 4}},
      {fmt::format("sold_to_consumers {} lot-1", kGiftShopUscc), {1, 1}},
  };
  CHECK(lineage_rows(lineage, "") == expected);
  CHECK(lineage.num("/totals/codes") == 24);
  REQUIRE(lineage.size("/batches") == 2);  // the gift boxes of the wholesaler and the farm's batch
  CHECK(lineage.str("/batches/0/enterprise_id") == kGiftUscc);
  CHECK(lineage.str("/batches/0/item_id") == gift_batch);
  CHECK(lineage.str("/batches/1/enterprise_id") == kFarmUscc);

  // Every view of the farm says the same.
  Reply report = farm.get_fresh("/v1/recalls/" + rc.str("/id"));
  CHECK(lineage_rows(report, "/lineage") == expected);
  CHECK(report.size("/in_transit") == 0);
  CHECK(report.size("/missing") == 2);
  Reply where = farm.get_fresh("/v1/whereabouts?lot_id=" + seed_lot);
  CHECK(lineage_rows(where, "/lineage") == expected);
  CHECK(lineage_rows(farm.get_fresh("/v1/trace/forward?lot_id=" + seed_lot), "") == expected);
  // The legacy members of the same answers are the lineage too (one read of the same documents).
  CHECK(walk_amounts(report, "") == lineage_amounts(expected));
  CHECK(walk_amounts(where, "") == lineage_amounts(expected));
  CHECK(walk_amounts(farm.get_fresh("/v1/material-lots/" + seed_lot + "/trace/forward"),
                     "/downstream") == lineage_amounts(expected));
  Reply places = farm.get_fresh("/v1/whereabouts?batch_id=" + farm_batch);
  INFO(places.body);
  CHECK(walk_amounts(places, "") == lineage_amounts(lineage_rows(places, "/lineage")));
  REQUIRE(places.size("/batches/0/locations") == 2);
  CHECK(places.num("/batches/0/locations/0/quantity/amount") == 100000);  // the farm's own stock
  // What the wholesaler has: the lineage's own_stock of its lot; missing: the lineage's missing.
  CHECK(places.num("/batches/0/locations/1/quantity/amount") == 10000);
  CHECK(places.num("/batches/0/locations/1/missing/amount") == 20000);
  CHECK(places.str("/batches/0/locations/1/consumed_into/0/item_id") == gift_batch);
  // A consumer is shown one way everywhere: the gift boxes' buyer at the shop.
  Reply boxes_at = gift.get_fresh("/v1/whereabouts?batch_id=" + gift_batch);
  INFO(boxes_at.body);
  CHECK(boxes_at.body.find(":cp-") == std::string::npos);
  CHECK(boxes_at.body.find(":consumer") == std::string::npos);
  CHECK(
      boxes_at.body.find(fmt::format(
          R"("kind":"downstream","holder":"consumer","customer":{{"kind":"consumer"}},"consumer_of":{{"enterprise":"{}")",
          kGiftShopUscc)) != std::string::npos);
  CHECK(walk_amounts(boxes_at, "") == lineage_amounts(lineage_rows(boxes_at, "/lineage")));
  Reply csv = farm.get_fresh("/v1/recalls/" + rc.str("/id") + "/report.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.body.find(fmt::format(",missing,广州市礼品菜心批发有限公司,{},", kGiftUscc)) !=
        std::string::npos);
  CHECK(csv.body.find(",missing,深圳市礼盒生鲜店,") != std::string::npos);

  // Every asker is told the goods are recalled: a box at the shop, a box missing there, a crate
  // repacked at the wholesaler, a crate it recorded missing, a crate still at the farm.
  for (ApiClient* asker : {&farm, &gift, &shop, &outsider}) {
    for (const std::string& code : {boxes[2], boxes[5], crates[1], crates[9], crates[15]}) {
      Reply status = asker->get_fresh("/v1/recall-status?code=" + path_of(code));
      REQUIRE(status.status == 200);
      CHECK_MESSAGE(status.body.find("\"recalled\":true") != std::string::npos, code);
      CHECK(status.str("/recalls/0/enterprise") == kFarmUscc);
    }
  }
  ApiClient anonymous(port);
  Reply scan = anonymous.get(path_of(boxes[2]) + "?linkType=gs1:traceability");
  REQUIRE(scan.status == 200);
  CHECK(scan.body.find("\"recall_status\":{\"recalled\":true") != std::string::npos);
  // The wholesaler follows a crate it recorded missing; the shop never had it.
  Reply lost = gift.get_fresh("/v1/trace/code?code=" + path_of(crates[9]));
  REQUIRE(lost.status == 200);
  CHECK(lost.str("/state") == "missing");
  check_problem(shop.get_fresh("/v1/trace/code?code=" + path_of(crates[9])), 404, "code_not_found",
                "code");
  // Backward from the shop's lot: the gift boxes, the wholesaler's lot, the farm's batch and seed
  // lot.
  Reply back = shop.get_fresh("/v1/trace/backward?lot_id=lot-1");
  REQUIRE(back.status == 200);
  CHECK(back.size("/upstream") == 4);
  // The new routes' problems.
  check_problem(farm.get_fresh("/v1/trace/forward?lot_id=lot-1&batch_id=b-1"), 422,
                "trace_query_invalid", "lot_id");
  check_problem(farm.get_fresh("/v1/trace/forward?lot_id=b-1"), 422, "item_id_invalid", "lot_id");
  check_problem(farm.get_fresh("/v1/trace/backward?batch_id=b-99"), 404, "batch_not_found",
                "batch_id");
  check_problem(farm.get_fresh("/v1/recalls/rc-99/lineage"), 404, "recall_not_found", "recall_id");

  // Rebuilt from the ledger, the views are byte-identical.
  CHECK(app.server.stop() == 0);
  const std::string live = live_views_digest(app.ledger);
  CHECK(replay_digest(app.ledger) == live);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.4 R-4.3.2 R-4.3.4 farm to consumer: a recall of the farm's lot finds every retail sale", chain)

AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.4 R-4.3.2 tracing across enterprises, production end", production_end)

AGRITRACE_TEST_BOTH_LEDGERS(
    "issue 11 repack downstream, partial receipts, write-off: every view and asker agree",
    repack_and_recall)

}  // namespace agritrace::testing
