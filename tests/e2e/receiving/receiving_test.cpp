// End to end on both ledgers: goods move producer -> wholesaler -> retailer -> consumer through
// the real server: shipping by scan, receiving by scan (partial, refusals per code), selling
// received goods on, retail sales with a payment voucher, goods without codes (R-4.3.2, R-4.3.4),
// and the write model surviving a restart with its cross-enterprise facts.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kWholesaleUscc = "91440101MA59XYW12B";  // Guangzhou
constexpr const char* kShopUscc = "91440300708461136T";       // Shenzhen
constexpr const char* kOtherUscc = "91110000600037341L";

std::string event_types(const Reply& r) {
  std::string out;
  for (size_t i = 0; i < r.size("/events"); ++i) out += r.str(fmt::format("/events/{}/type", i)) + " ";
  return out;
}

void circulation_slice(Backend backend) {
  TestApp app(backend);
  const std::string plant_key = register_enterprise(app.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司");
  const std::string wholesale_key = register_enterprise(app.port(), kWholesaleUscc, "广州江南果菜批发有限公司");
  const std::string shop_key = register_enterprise(app.port(), kShopUscc, "深圳福田鲜果店");
  const std::string other_key = register_enterprise(app.port(), kOtherUscc, "北京某超市");
  ApiClient plant(app.port(), plant_key);
  ApiClient wholesale(app.port(), wholesale_key);
  ApiClient shop(app.port(), shop_key);
  ApiClient other(app.port(), other_key);

  // The producer: a batch of 12 pieces with codes, a sales order to the wholesaler, priced.
  Reply b1 = plant.post("/v1/batches", batch_body("DG-C1"));
  REQUIRE(b1.status == 201);
  const std::string b1_id = b1.str("/id");
  std::vector<std::string> codes;
  code_run(plant, b1_id, "6291041500213", R"({"amount":1,"unit":"piece"})", 12, &codes);
  const std::string cp_id = new_counterparty(plant, enterprise_customer_body(kWholesaleUscc, "广州江南果菜批发有限公司", "广东省广州市"));
  Reply so = plant.post("/v1/sales-orders",
                        fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":8,"unit":"piece"}},"price_fen":8000}})", cp_id, b1_id));
  REQUIRE(so.status == 201);
  Reply shipped = plant.post("/v1/sales-orders/" + so.str("/id") + "/shipments",
                             codes_body({codes[0], codes[1], codes[2], codes[3], codes[4], codes[5], codes[6], codes[7]}));
  INFO(shipped.body);
  REQUIRE(shipped.status == 201);
  // R-4.3.6: the shipment's price posts as income automatically.
  CHECK(event_types(shipped) == "shipment.recorded sales_order.status_changed finance.entry_recorded ");

  // R-4.3.2 refusals, each code with its reason, nothing recorded.
  Reply refused = wholesale.post("/v1/receipts", codes_body({codes[0], codes[8], "https://x.cn/bad", codes[0]}));
  INFO(refused.body);
  CHECK(refused.status == 422);
  CHECK(refused.str("/code") == "codes_refused");
  CHECK(refused.str("/field") == "codes");
  REQUIRE(refused.size("/codes") == 3);
  CHECK(refused.str("/codes/0/code") == codes[8]);
  CHECK(refused.str("/codes/0/reason") == "code_not_shipped_to_you");
  CHECK(refused.str("/codes/1/reason") == "code_syntax");
  CHECK(refused.str("/codes/2/reason") == "code_duplicate_in_scan");
  CHECK(other.post("/v1/receipts", codes_body({codes[0]})).str("/codes/0/reason") == "code_not_shipped_to_you");
  CHECK(wholesale.post("/v1/receipts", R"({"codes":[]})").str("/code") == "codes_required");
  CHECK(wholesale.post("/v1/receipts", R"({"codes":["x"],"colour":"red"})").status == 422);
  CHECK(wholesale.post("/v1/receipts", R"({"codes":"x"})").status == 422);
  CHECK(wholesale.post("/v1/receipts", "{").status == 400);
  ApiClient anonymous(app.port());
  CHECK(anonymous.post("/v1/receipts", codes_body({codes[0]})).status == 401);

  // A partial receipt by scan (paths or full URIs), then the rest of the shipment.
  Reply rcv1 = wholesale.post("/v1/receipts",
                              codes_body({codes[0], path_of(codes[1]), codes[2], codes[3], codes[4], codes[5]}),
                              "rcv-key-1");
  INFO(rcv1.body);
  REQUIRE(rcv1.status == 201);
  CHECK(rcv1.str("/id") == "rcv-1");
  CHECK(event_types(rcv1) == "goods.received ");
  // The same Idempotency-Key answers the same receipt, not a second one.
  Reply again = wholesale.post("/v1/receipts",
                               codes_body({codes[0], path_of(codes[1]), codes[2], codes[3], codes[4], codes[5]}),
                               "rcv-key-1");
  CHECK(again.status == 201);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(again.str("/command_id") == rcv1.str("/command_id"));
  // Issue 11: the answer names the lot the receipt created, and a retry answers the same.
  REQUIRE(rcv1.size("/lots") == 1);
  CHECK(rcv1.str("/lots/0/receipt_id") == "rcv-1");
  CHECK(rcv1.str("/lots/0/lot_id") == "lot-1");
  REQUIRE(again.size("/lots") == 1);
  CHECK(again.str("/lots/0/lot_id") == "lot-1");
  CHECK(wholesale.post("/v1/receipts", codes_body({codes[0]})).str("/codes/0/reason") == "code_already_received");

  // A restart folds the ledger again: the wholesaler still knows what was shipped to it and what
  // it received (the cross-enterprise facts of the write model are rebuilt from the ledger).
  REQUIRE(app.server.stop() == 0);
  app.server.start();
  ApiClient wholesale2(app.port(), wholesale_key);
  ApiClient shop2(app.port(), shop_key);
  ApiClient plant2(app.port(), plant_key);
  CHECK(wholesale2.post("/v1/receipts", codes_body({codes[1]})).str("/codes/0/reason") == "code_already_received");
  Reply rcv2 = wholesale2.post("/v1/receipts", R"({"codes":[")" + codes[6] + R"(",")" + codes[7] + R"("],"price_fen":2000})");
  INFO(rcv2.body);
  REQUIRE(rcv2.status == 201);
  CHECK(rcv2.str("/id") == "rcv-2");
  CHECK(rcv2.str("/lots/0/lot_id") == "lot-1");  // the rest of the same shipment: the same lot
  CHECK(event_types(rcv2) == "goods.received finance.entry_recorded ");

  // R-4.3.4 wholesale from the received lot to the Shenzhen shop, by scan.
  const std::string shop_cp_id = new_counterparty(wholesale2, enterprise_customer_body(kShopUscc, "深圳福田鲜果店", "广东省深圳市"));
  Reply so2 = wholesale2.post("/v1/sales-orders",
                              fmt::format(R"({{"customer_id":"{}","batch_id":"lot-1","quantity":{{"amount":3,"unit":"piece"}}}})", shop_cp_id));
  INFO(so2.body);
  REQUIRE(so2.status == 201);
  CHECK(wholesale2.get_fresh("/v1/sales-orders/" + so2.str("/id")).str("/product") ==
        plant2.get_fresh("/v1/batches/" + b1_id).str("/product"));
  CHECK(wholesale2.post("/v1/sales-orders/" + so2.str("/id") + "/shipments", codes_body({codes[9]})).str("/codes/0/reason") == "code_unknown");
  Reply sh2 = wholesale2.post("/v1/sales-orders/" + so2.str("/id") + "/shipments", codes_body({codes[0], codes[1], codes[2]}));
  INFO(sh2.body);
  REQUIRE(sh2.status == 201);
  Reply sh2_view = wholesale2.get_fresh("/v1/shipments/" + sh2.str("/id"));
  CHECK(sh2_view.str("/batch_id") == "lot-1");
  CHECK(sh2_view.str("/ship_from") == kWholesaleUscc);
  CHECK(sh2_view.str("/ship_to_tenant") == kShopUscc);

  // The shop receives by scan and sells to consumers: one code with a payment voucher.
  Reply at_shop = shop2.post("/v1/receipts", codes_body({codes[0], codes[1], codes[2]}));
  INFO(at_shop.body);
  REQUIRE(at_shop.status == 201);
  Reply sale = shop2.post("/v1/retail-sales",
                          R"({"codes":[")" + codes[0] + R"("],"payment_voucher":"4200001234202611250001","price_fen":1290})");
  INFO(sale.body);
  REQUIRE(sale.status == 201);
  CHECK(event_types(sale) == "sales_order.created shipment.recorded sales_order.status_changed finance.entry_recorded ");
  const std::string retail_shipment = sale.str("/events/1/subject");
  Reply retail_view = shop2.get_fresh("/v1/shipments/" + retail_shipment);
  CHECK(retail_view.str("/channel") == "retail");
  CHECK(retail_view.num("/quantity/amount") == 1);
  CHECK(shop2.post("/v1/retail-sales", codes_body({codes[0]})).str("/codes/0/reason") == "code_already_shipped");
  CHECK(shop2.post("/v1/retail-sales", R"({"codes":[")" + codes[1] + R"("],"payment_voucher":"has space"})").str("/field") == "payment_voucher");
  CHECK(shop2.post("/v1/retail-sales", R"({"item_id":"lot-1","quantity":{"amount":9,"unit":"piece"}})").str("/code") == "stock_insufficient");

  // Goods without codes: received by hand from a farmer, sold by quantity.
  const std::string farmer_id = new_counterparty(shop2, fmt::format(R"({{"kind":"individual","roles":["supplier"],"name":"王五","id_number":"{}","phone":"13912345678"}})", kPersonId));
  Reply manual = shop2.post("/v1/receipts/manual",
                            fmt::format(R"({{"supplier_id":"{}","product":"土鸡蛋","lot_code":"WANG-1125","quantity":{{"amount":30,"unit":"piece"}},"production_date":"{}","price_fen":3000}})", farmer_id, days_from_today(-14)));
  INFO(manual.body);
  REQUIRE(manual.status == 201);
  CHECK(event_types(manual) == "goods.received finance.entry_recorded ");
  REQUIRE(manual.size("/lots") == 1);
  CHECK(manual.str("/lots/0/lot_id") ==
        shop2.get_fresh("/v1/receipts/" + manual.str("/id")).str("/lot_id"));
  CHECK(shop2.post("/v1/receipts/manual", R"({"supplier_id":"cp-99","product":"x","quantity":{"amount":1,"unit":"piece"},"production_date":")" + days_from_today(-14) + R"("})").status == 404);
  CHECK(shop2.post("/v1/receipts/manual", R"({"supplier_id":"cp-1","product":"x","quantity":{"amount":1,"unit":"piece"}})").str("/field") == "production_date");
  Reply eggs = shop2.post("/v1/retail-sales", R"({"item_id":"lot-2","quantity":{"amount":12,"unit":"piece"},"price_fen":2400})");
  INFO(eggs.body);
  CHECK(eggs.status == 201);
  CHECK(shop2.post("/v1/retail-sales", R"({"item_id":"lot-2","quantity":{"amount":19,"unit":"piece"}})").str("/code") == "stock_insufficient");
  // Tenant isolation: the wholesaler has no lot-2 of its own to sell from.
  CHECK(wholesale2.post("/v1/retail-sales", R"({"item_id":"lot-2","quantity":{"amount":1,"unit":"piece"}})").status == 404);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.3.2 R-4.3.4 R-4.3.6 goods move producer -> wholesaler -> retailer -> consumer by scan", circulation_slice)

}  // namespace agritrace::testing
