// End to end on both ledgers: production–marketing docking (R-4.3.1). A wholesaler browses the
// published products of a producer with its newest batches, orders from it, the producer sees the
// order, accepts it (a customer counterparty and a sales order appear), ships it by scanning
// codes, and the wholesaler's order shows the answer and the shipment; the decline and cancel
// paths and the refusals, including a third enterprise that must not see either side.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <vector>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// GET once the views include `position` (another enterprise's command: its partition).
Reply get_after(ApiClient& c, const std::string& target, const std::string& position) {
  const char sep = target.find('?') == std::string::npos ? '?' : '&';
  return c.get(target + sep + "after=" + position + "&wait_ms=20000");
}

std::string caixin_batch(const std::string& lot, int64_t kg, const std::string& produced) {
  return fmt::format(
      R"({{"product_id":"veg-caixin","lot_code":"{}","quantity":{{"amount":{},"unit":"kg"}},"production_date":"{}"}})",
      lot, kg, produced);
}

std::string order_body(const std::string& producer, int64_t kg) {
  return fmt::format(
      R"({{"producer_tenant":"{}","product_id":"veg-caixin","quantity":{{"amount":{},"unit":"kg"}},"price_fen":50000,"wanted_by":"{}","note":"早上六点前到货"}})",
      producer, kg, days_from_today(30));
}

void market_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司", "广东省东莞市");
  ApiClient shop = app.enterprise(kRetailUscc, "广州市江南果菜批发有限公司", "广东省广州市白云区");
  ApiClient farm = app.enterprise(kFarmUscc, "博罗县绿源菜心种植专业合作社", "广东省惠州市博罗县");
  const std::string plant_orders = "/v1/market/incoming-orders/" + std::string(kRetailUscc);

  // The producer: 菜心 is a main variety, published; six batches of it (the market shows 5).
  REQUIRE(plant.put("/v1/enterprise/main-varieties", R"({"product_ids":["veg-caixin"]})").status == 200);
  REQUIRE(plant.post("/v1/publications", R"({"product_id":"veg-caixin","description":"每日现采菜心"})").status == 201);
  const std::string dates[] = {days_from_today(-33), days_from_today(-29), days_from_today(-31), days_from_today(-24), days_from_today(-26), days_from_today(-22)};
  std::vector<std::string> batches;
  for (int k = 0; k < 6; ++k) {
    Reply b = plant.post("/v1/batches", caixin_batch(fmt::format("CX-{}", k + 1), 100, dates[k]));
    REQUIRE(b.status == 201);
    batches.push_back(b.str("/id"));
  }
  const std::string batch = batches[5];  // produced today-22, the newest

  // ---- browse (R-4.2.9 / R-4.3.1) ----
  Reply market = get_after(shop, "/v1/market/products?variety=veg-caixin", plant.last_position());
  REQUIRE(market.status == 200);
  REQUIRE(market.size("/items") == 1);
  CHECK(market.str("/items/0/producer/enterprise_id") == kPlantUscc);
  CHECK(market.str("/items/0/product/name") == "菜心");
  REQUIRE(market.size("/items/0/newest_batches") == 5);
  CHECK(market.str("/items/0/newest_batches/0/lot_code") == "CX-6");  // newest production date first
  CHECK(market.str("/items/0/newest_batches/1/lot_code") == "CX-4");
  CHECK(market.str("/items/0/newest_batches/4/lot_code") == "CX-3");
  CHECK(market.str("/items/0/newest_batches/0/production_date") == days_from_today(-22));
  CHECK(market.num("/items/0/newest_batches/0/in_stock/amount") == 100'000);
  CHECK(market.str("/items/0/newest_batches/0/in_stock/unit") == "g");
  CHECK(shop.get("/v1/market/products?variety=vegetable").size("/items") == 1);
  CHECK(shop.get("/v1/market/products?variety=fruit").size("/items") == 0);
  CHECK(shop.get("/v1/market/products?region=%E4%B8%9C%E8%8E%9E").size("/items") == 1);  // 东莞
  CHECK(shop.get("/v1/market/products?region=%E5%B9%BF%E5%B7%9E").size("/items") == 0);  // 广州
  CHECK(shop.get("/v1/market/products?producer=" + std::string(kPlantUscc)).size("/items") == 1);
  CHECK(shop.get("/v1/market/products?producer=" + std::string(kFarmUscc)).size("/items") == 0);
  Reply recent = shop.get("/v1/market/products?produced_since=" + days_from_today(-25));
  REQUIRE(recent.size("/items") == 1);
  CHECK(recent.size("/items/0/newest_batches") == 2);
  CHECK(shop.get("/v1/market/products?produced_since=" + days_from_today(-21)).size("/items") == 0);
  check_problem(shop.get("/v1/market/products?produced_since=2026-02-30"), 422, "date_invalid", "produced_since");

  // ---- place (buyer) ----
  Reply placed = shop.post("/v1/market/orders", order_body(kPlantUscc, 20));
  REQUIRE(placed.status == 201);
  CHECK(placed.str("/id") == "mo-1");
  Reply mine = shop.get_fresh("/v1/market/orders/mo-1");
  REQUIRE(mine.status == 200);
  CHECK(mine.str("/status") == "placed");
  CHECK(mine.str("/producer_name") == "东莞市鲜达农产品加工有限公司");
  CHECK(mine.str("/product") == "菜心");
  CHECK(mine.num("/quantity/amount") == 20'000);
  CHECK(mine.str("/wanted_by") == days_from_today(30));

  // ---- the producer sees it ----
  Reply inbox = get_after(plant, "/v1/market/incoming-orders", shop.last_position());
  REQUIRE(inbox.status == 200);
  REQUIRE(inbox.size("/items") == 1);
  CHECK(inbox.str("/items/0/mo_id") == "mo-1");
  CHECK(inbox.str("/items/0/buyer_tenant") == kRetailUscc);
  CHECK(inbox.str("/items/0/buyer_name") == "广州市江南果菜批发有限公司");
  CHECK(inbox.str("/items/0/buyer_region") == "广东省广州市白云区");
  CHECK(inbox.str("/items/0/status") == "placed");
  CHECK(inbox.num("/items/0/price_fen") == 50000);
  CHECK(plant.get(plant_orders + "/mo-1").str("/note") == "早上六点前到货");

  // A third enterprise sees neither side and cannot answer.
  check_problem(get_after(farm, "/v1/market/orders/mo-1", shop.last_position()), 404, "market_order_not_found", "mo_id");
  check_problem(farm.get(plant_orders + "/mo-1"), 404, "market_order_not_found", "mo_id");
  CHECK(farm.get("/v1/market/incoming-orders").size("/items") == 0);
  CHECK(farm.get("/v1/market/orders").size("/items") == 0);
  check_problem(farm.post(plant_orders + "/mo-1/accept", fmt::format(R"({{"batch_id":"{}"}})", batch)), 404,
                "market_order_not_found", "mo_id");
  check_problem(farm.post("/v1/market/orders/mo-1/cancel", "{}"), 404, "market_order_not_found", "mo_id");
  check_problem(plant.post("/v1/market/orders/mo-1/cancel", "{}"), 404, "market_order_not_found", "mo_id");

  // ---- accept (producer) ----
  check_problem(plant.post(plant_orders + "/mo-1/accept", R"({"batch_id":"b-99"})"), 404, "batch_not_found", "batch_id");
  check_problem(plant.post(plant_orders + "/mo-1/accept", fmt::format(R"({{"batch_id":"{}","colour":"red"}})", batch)),
                422, "unknown_field", "colour");
  check_problem(plant.post(plant_orders + "/mo-1/accept", "{}"), 422, "field_required", "batch_id");
  check_problem(plant.post(plant_orders + "/mo-1/accept", fmt::format(R"({{"batch_id":"{}","price_fen":-1}})", batch)),
                422, "price_negative", "price_fen");
  Reply accepted = plant.post(plant_orders + "/mo-1/accept", fmt::format(R"({{"batch_id":"{}","note":"明早装车"}})", batch));
  REQUIRE(accepted.status == 201);
  CHECK(accepted.str("/so_id") == "so-1");
  CHECK(accepted.str("/registered_customer_id") == "cp-1");
  REQUIRE(accepted.size("/events") == 3);
  CHECK(accepted.str("/events/0/type") == "counterparty.registered");
  CHECK(accepted.str("/events/1/type") == "sales_order.created");
  CHECK(accepted.str("/events/2/type") == "market_order.accepted");
  check_problem(plant.post(plant_orders + "/mo-1/accept", fmt::format(R"({{"batch_id":"{}"}})", batch)), 409,
                "market_order_not_open", "mo_id");
  check_problem(plant.post(plant_orders + "/mo-1/decline", R"({"reason":"x"})"), 409, "market_order_not_open", "mo_id");
  check_problem(shop.post("/v1/market/orders/mo-1/cancel", "{}"), 409, "market_order_not_open", "mo_id");

  // The customer counterparty and the sales order.
  Reply customer = plant.get_fresh("/v1/counterparties/cp-1");
  REQUIRE(customer.status == 200);
  CHECK(customer.str("/uscc") == kRetailUscc);
  CHECK(customer.str("/name") == "广州市江南果菜批发有限公司");
  CHECK(customer.str("/roles/0") == "customer");
  Reply so = plant.get_fresh("/v1/sales-orders/so-1");
  REQUIRE(so.status == 200);
  CHECK(so.str("/customer_id") == "cp-1");
  CHECK(so.str("/batch_id") == batch);
  CHECK(so.num("/quantity/amount") == 20'000);
  CHECK(so.num("/price_fen") == 50000);
  CHECK(so.str("/note") == "明早装车");
  CHECK(plant.get_fresh(plant_orders + "/mo-1").str("/status") == "accepted");

  // ---- ship by codes against the sales order (production end) ----
  std::vector<std::string> codes;
  code_run(plant, batch, "6291041500213", R"({"amount":2,"unit":"kg"})", 10, &codes);
  Reply shipped = plant.post("/v1/sales-orders/so-1/shipments", codes_body({codes[0], codes[1], codes[2], codes[3]}));
  REQUIRE(shipped.status == 201);
  CHECK(plant.get_fresh("/v1/shipments/" + shipped.str("/id")).str("/ship_to_tenant") == kRetailUscc);

  // ---- the buyer's order: accepted, the producer's sales order, the shipment ----
  Reply answered = get_after(shop, "/v1/market/orders/mo-1", plant.last_position());
  REQUIRE(answered.status == 200);
  CHECK(answered.str("/status") == "accepted");
  CHECK(answered.str("/so_id") == "so-1");
  CHECK(answered.str("/batch_id") == batch);
  CHECK(answered.str("/sales_order/status") == "partially_shipped");
  CHECK(answered.num("/sales_order/shipped_quantity/amount") == 8'000);
  REQUIRE(answered.size("/shipments") == 1);
  CHECK(answered.str("/shipments/0/shipment_id") == shipped.str("/id"));
  CHECK(answered.str("/shipments/0/lot_code") == "CX-6");
  CHECK(answered.num("/shipments/0/code_count") == 4);
  CHECK(answered.num("/shipped_quantity/amount") == 8'000);
  CHECK(answered.size("/receipts") == 0);
  // The buyer receives the goods by scanning them (R-4.3.2): the receipt shows on its order.
  Reply received = shop.post("/v1/receipts", codes_body({codes[0], codes[1], codes[2], codes[3]}));
  INFO(received.body);
  REQUIRE(received.status == 201);
  Reply with_receipt = shop.get_fresh("/v1/market/orders/mo-1");
  REQUIRE(with_receipt.size("/receipts") == 1);
  CHECK(with_receipt.str("/receipts/0/shipment_id") == shipped.str("/id"));
  CHECK(with_receipt.str("/receipts/0/from_tenant") == kPlantUscc);
  CHECK(with_receipt.num("/received_quantity/amount") == 8'000);
  Reply producer_side = plant.get_fresh(plant_orders + "/mo-1");
  CHECK(producer_side.size("/shipments") == 1);
  // The market's stock of the batch went down by what was shipped.
  Reply after_ship = get_after(shop, "/v1/market/products?producer=" + std::string(kPlantUscc), plant.last_position());
  CHECK(after_ship.num("/items/0/newest_batches/0/in_stock/amount") == 92'000);
  CHECK(after_ship.num("/items/0/newest_batches/0/shipped/amount") == 8'000);

  // A second order of the same buyer reuses the customer.
  REQUIRE(shop.post("/v1/market/orders", order_body(kPlantUscc, 10)).status == 201);
  Reply again = plant.post(plant_orders + "/mo-2/accept", fmt::format(R"({{"batch_id":"{}","price_fen":30000}})", batch));
  REQUIRE(again.status == 201);
  CHECK(again.str("/so_id") == "so-2");
  CHECK(again.body.find(R"("registered_customer_id":null)") != std::string::npos);
  CHECK(plant.get_fresh("/v1/sales-orders/so-2").num("/price_fen") == 30000);

  // ---- decline path ----
  Reply third = shop.post("/v1/market/orders", order_body(kPlantUscc, 5));
  REQUIRE(third.status == 201);
  CHECK(third.str("/id") == "mo-3");
  check_problem(plant.post(plant_orders + "/mo-3/decline", "{}"), 422, "field_required", "reason");
  check_problem(plant.post(plant_orders + "/mo-3/decline", R"({"reason":" "})"), 422, "value_required", "reason");
  check_problem(plant.post(plant_orders + "/mo-9/decline", R"({"reason":"x"})"), 404, "market_order_not_found", "mo_id");
  REQUIRE(plant.post(plant_orders + "/mo-3/decline", R"({"reason":"本周缺货"})").status == 200);
  Reply declined = get_after(shop, "/v1/market/orders/mo-3", plant.last_position());
  CHECK(declined.str("/status") == "declined");
  CHECK(declined.str("/decline_reason") == "本周缺货");
  CHECK(declined.body.find(R"("sales_order":null)") != std::string::npos);
  check_problem(plant.post(plant_orders + "/mo-3/accept", fmt::format(R"({{"batch_id":"{}"}})", batch)), 409,
                "market_order_not_open", "mo_id");

  // ---- cancel path ----
  REQUIRE(shop.post("/v1/market/orders", order_body(kPlantUscc, 5)).str("/id") == "mo-4");
  Reply cancelled = shop.post("/v1/market/orders/mo-4/cancel", R"({"reason":"计划有变"})");
  REQUIRE(cancelled.status == 200);
  CHECK(shop.get_fresh("/v1/market/orders/mo-4").str("/status") == "cancelled");
  CHECK(shop.get_fresh("/v1/market/orders/mo-4").str("/cancel_reason") == "计划有变");
  check_problem(shop.post("/v1/market/orders/mo-4/cancel", "{}"), 409, "market_order_not_open", "mo_id");
  check_problem(plant.post(plant_orders + "/mo-4/accept", fmt::format(R"({{"batch_id":"{}"}})", batch)), 409,
                "market_order_not_open", "mo_id");
  check_problem(shop.post("/v1/market/orders/mo-4/cancel", R"({"why":"x"})"), 422, "unknown_field", "why");
  Reply gone = get_after(plant, "/v1/market/incoming-orders?status=cancelled", shop.last_position());
  REQUIRE(gone.size("/items") == 1);
  CHECK(gone.str("/items/0/mo_id") == "mo-4");
  CHECK(gone.str("/items/0/cancel_reason") == "计划有变");
  CHECK(plant.get("/v1/market/incoming-orders?status=accepted").size("/items") == 2);
  Reply paged = plant.get("/v1/market/incoming-orders?limit=3");
  REQUIRE(paged.size("/items") == 3);
  CHECK(paged.str("/next_after") == std::string(kRetailUscc) + "/mo-3");
  Reply rest = plant.get("/v1/market/incoming-orders?limit=3&after_id=" + paged.str("/next_after"));
  REQUIRE(rest.size("/items") == 1);
  CHECK(rest.str("/items/0/mo_id") == "mo-4");
  check_problem(plant.get("/v1/market/incoming-orders?status=lost"), 422, "status_invalid", "status");

  // The buyer's list, oldest first, each with its status.
  Reply list = shop.get_fresh("/v1/market/orders");
  REQUIRE(list.size("/items") == 4);
  CHECK(list.str("/items/0/status") == "accepted");
  CHECK(list.str("/items/2/status") == "declined");
  CHECK(list.str("/items/3/status") == "cancelled");
  Reply page = shop.get("/v1/market/orders?limit=2&after_id=mo-2");
  REQUIRE(page.size("/items") == 2);
  CHECK(page.str("/items/0/mo_id") == "mo-3");

  // ---- refusals of placing ----
  check_problem(shop.post("/v1/market/orders", order_body(kRetailUscc, 1)), 422, "producer_is_self", "producer_tenant");
  check_problem(shop.post("/v1/market/orders", order_body("91440300MA5DCF2B1E", 1)), 404, "producer_not_found",
                "producer_tenant");
  check_problem(shop.post("/v1/market/orders", order_body(kPlantUscc, 0)), 422, "quantity_not_positive", "quantity.amount");
  check_problem(shop.post("/v1/market/orders",
                          fmt::format(R"({{"producer_tenant":"{}","product_id":"veg-nope","quantity":{{"amount":1,"unit":"kg"}}}})", kPlantUscc)),
                404, "product_not_found", "product_id");
  check_problem(shop.post("/v1/market/orders",
                          fmt::format(R"({{"producer_tenant":"{}","quantity":{{"amount":1,"unit":"kg"}}}})", kPlantUscc)),
                422, "value_required", "product");
  check_problem(shop.post("/v1/market/orders",
                          fmt::format(R"({{"producer_tenant":"{}","product":"菜心","quantity":{{"amount":1,"unit":"kg"}},"wanted_by":"{}"}})", kPlantUscc, days_from_today(-1))),
                422, "wanted_by_in_past", "wanted_by");
  check_problem(shop.post("/v1/market/orders",
                          fmt::format(R"({{"producer_tenant":"{}","product":"菜心","quantity":{{"amount":1,"unit":"kg"}},"colour":"red"}})", kPlantUscc)),
                422, "unknown_field", "colour");
  check_problem(shop.post("/v1/market/orders", R"({"product":"菜心","quantity":{"amount":1,"unit":"kg"}})"), 422,
                "field_required", "producer_tenant");
  check_problem(shop.get("/v1/market/orders/mo-99"), 404, "market_order_not_found", "mo_id");
  CHECK(app.server.stop() == 0);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.3.1 production-marketing docking: browse, order, accept, ship, decline, cancel", market_slice)

}  // namespace agritrace::testing
