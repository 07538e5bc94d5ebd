// End to end on both ledgers: stock per item with its movements and documents, stocktakes with
// adjustments (R-4.3.5), income and expense entries and the statement of a period (R-4.3.6).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <vector>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

bool flag(const Reply& r, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  INFO(r.body);
  REQUIRE(!parser.parse(r.body).get(doc));
  bool v = false;
  REQUIRE(!doc.at_pointer(pointer).get_bool().get(v));
  return v;
}

void inventory_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient other = app.enterprise(kRetailUscc, "广州市天河区鲜果超市有限公司");

  Reply farm = plant.post("/v1/counterparties", enterprise_supplier_body(kFarmUscc));
  REQUIRE(farm.status == 201);
  const std::string farm_id = farm.str("/id");
  const std::string retail_id = new_counterparty(plant, fmt::format(R"({{"kind":"enterprise","roles":["customer"],"name":"广州市天河区鲜果超市有限公司","uscc":"{}","contact_person":"刘洋","phone":"13711112222","address":"广州市天河路 1 号","region":"广东省广州市"}})", kRetailUscc));

  // Goods in and out through the production end: purchase receipt, batch, consumption, shipment.
  // Priced: receiving it posts the purchases expense (the lead's rule), dated the receipt day.
  Reply po = plant.post("/v1/purchase-orders", fmt::format(
      R"({{"material":"菜心","supplier_id":"{}","quantity":{{"amount":500,"unit":"kg"}},"supplier_lot":"HZ-1","production_date":"{}","expiry_date":"{}","price_fen":100000}})",
      farm_id, days_from_today(-33), days_from_today(3650)));
  REQUIRE(po.status == 201);
  const std::string po_id = po.str("/id");
  REQUIRE(plant.post("/v1/purchase-orders/" + po_id + "/receive",
                     R"({"quantity":{"amount":500,"unit":"kg"},"received_on":")" + days_from_today(-13) + R"("})").status == 201);
  const std::string lot_id = plant.get_fresh("/v1/purchase-orders/" + po_id).str("/lot_id");
  const std::string b1_id = batch_of_lot(plant, "INV-1", lot_id, 300);
  std::vector<std::string> codes;
  code_run(plant, b1_id, "6291041500213", R"({"amount":1,"unit":"piece"})", 5, &codes);
  Reply so = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":5,"unit":"piece"}},"price_fen":150000}})", retail_id, b1_id));
  REQUIRE(so.status == 201);
  Reply sh = plant.post("/v1/sales-orders/" + so.str("/id") + "/shipments",
                        fmt::format(R"({{"codes":["{}","{}","{}"],"ship_date":"{}"}})", codes[0], codes[1], codes[2], days_from_today(-10)));
  REQUIRE(sh.status == 201);
  const std::string sh_id = sh.str("/id");

  // R-4.3.5 stock per item, in real time, and the movements with their documents.
  Reply items = plant.get_fresh("/v1/inventory");
  REQUIRE(items.status == 200);
  REQUIRE(items.size("/items") == 2);
  CHECK(items.str("/items/0/item_id") == b1_id);
  CHECK(items.str("/items/0/kind") == "batch");
  CHECK(items.num("/items/0/stock/amount") == 100 - 3);
  CHECK(items.str("/items/1/item_id") == lot_id);
  CHECK(items.str("/items/1/kind") == "lot");
  CHECK(items.num("/items/1/stock/amount") == 200'000);
  CHECK(items.str("/items/1/stock/unit") == "g");
  CHECK(items.str("/items/1/supplier_id") == farm_id);
  CHECK(items.str("/items/1/supplier_name") == "博罗县绿源菜心种植专业合作社");
  CHECK(plant.get_fresh("/v1/inventory?product=%E8%8F%9C%E5%BF%83").size("/items") == 1);  // 菜心: the lot
  CHECK(plant.get_fresh("/v1/inventory?in_stock=false").size("/items") == 0);
  Reply paged = plant.get_fresh("/v1/inventory?limit=1");
  CHECK(paged.size("/items") == 1);
  CHECK(paged.str("/next_after") == b1_id);
  check_problem(plant.get_fresh("/v1/inventory?in_stock=maybe"), 422, "in_stock_invalid", "in_stock");

  Reply bm = plant.get_fresh("/v1/inventory/" + b1_id + "/movements");
  REQUIRE(bm.status == 200);
  REQUIRE(bm.size("/items") == 2);
  CHECK(bm.str("/items/0/kind") == "produced");
  CHECK(bm.num("/items/0/quantity/amount") == 100);
  CHECK(bm.str("/items/0/document/type") == "batch");
  CHECK(bm.str("/items/1/kind") == "shipped");
  CHECK(bm.num("/items/1/quantity/amount") == -3);
  CHECK(bm.str("/items/1/date") == days_from_today(-10));
  CHECK(bm.str("/items/1/document/type") == "shipment");
  CHECK(bm.str("/items/1/document/id") == sh_id);
  CHECK(bm.num("/items/0/seq") < bm.num("/items/1/seq"));
  Reply lm = plant.get_fresh("/v1/inventory/" + lot_id + "/movements");
  REQUIRE(lm.size("/items") == 2);
  CHECK(lm.str("/items/0/kind") == "purchased");
  CHECK(lm.num("/items/0/quantity/amount") == 500'000);
  CHECK(lm.str("/items/0/document/type") == "purchase_order");
  CHECK(lm.str("/items/0/document/id") == po_id);
  CHECK(lm.str("/items/1/kind") == "consumed");
  CHECK(lm.num("/items/1/quantity/amount") == -300'000);
  CHECK(lm.str("/items/1/document/type") == "batch");
  CHECK(lm.str("/items/1/document/id") == b1_id);
  check_problem(plant.get_fresh("/v1/inventory/b-99"), 404, "item_not_found", "item_id");

  // R-4.3.5 a stocktake: the batch is two short, the lot lost 50 kg; each variance is adjusted.
  Reply st = plant.post("/v1/stocktakes", fmt::format(
      R"({{"taken_on":"{}","note":"月末盘点","counts":[{{"item_id":"{}","counted":{{"amount":95,"unit":"piece"}},"reason":"两件破损"}},{{"item_id":"{}","counted":{{"amount":150,"unit":"kg"}},"reason":"水分损耗"}}]}})",
      days_from_today(-9), b1_id, lot_id));
  INFO(st.body);
  REQUIRE(st.status == 201);
  CHECK(st.str("/id") == "st-1");
  REQUIRE(st.size("/events") == 3);
  CHECK(st.str("/events/0/type") == "stocktake.recorded");
  CHECK(st.str("/events/1/type") == "stock.adjusted");
  CHECK(plant.get_fresh("/v1/inventory/" + b1_id).num("/stock/amount") == 95);
  CHECK(plant.get_fresh("/v1/inventory/" + lot_id).num("/stock/amount") == 150'000);
  Reply adj = plant.get_fresh("/v1/inventory/" + b1_id + "/movements?limit=1&after_id=" +
                              std::to_string(bm.num("/items/1/seq")));
  REQUIRE(adj.size("/items") == 1);
  CHECK(adj.str("/items/0/kind") == "adjusted");
  CHECK(adj.num("/items/0/quantity/amount") == -2);
  CHECK(adj.str("/items/0/date") == days_from_today(-9));
  CHECK(adj.str("/items/0/document/type") == "stocktake");
  CHECK(adj.str("/items/0/document/id") == "st-1");
  CHECK(adj.str("/items/0/reason") == "两件破损");
  Reply st_view = plant.get_fresh("/v1/stocktakes/st-1");
  REQUIRE(st_view.status == 200);
  CHECK(st_view.num("/lines/0/expected/amount") == 97);
  CHECK(st_view.num("/lines/0/counted/amount") == 95);
  CHECK(st_view.num("/lines/1/variance/amount") == -50'000);
  CHECK(plant.get_fresh("/v1/stocktakes").size("/items") == 1);
  check_problem(plant.get_fresh("/v1/stocktakes/st-9"), 404, "stocktake_not_found", "stocktake_id");
  // A count that matches needs no reason and adjusts nothing; zero is a valid count.
  Reply same = plant.post("/v1/stocktakes", fmt::format(
      R"({{"counts":[{{"item_id":"{}","counted":{{"amount":95,"unit":"piece"}}}}]}})", b1_id));
  REQUIRE(same.status == 201);
  CHECK(same.size("/events") == 1);

  // The lot holds 150 kg now: consuming 180 kg (which the 200 kg before the count allowed) is refused.
  Reply b2 = plant.post("/v1/batches", batch_body("INV-2"));
  REQUIRE(b2.status == 201);
  check_problem(plant.post("/v1/batches/" + b2.str("/id") + "/materials",
                           fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":180,"unit":"kg"}}}})", lot_id)),
                409, "lot_over_consumed", "quantity.amount");

  // Refusals name the count's field.
  const std::string good = fmt::format(R"({{"item_id":"{}","counted":{{"amount":95,"unit":"piece"}}}})", b1_id);
  check_problem(plant.post("/v1/stocktakes", fmt::format(
                    R"({{"counts":[{},{{"item_id":"{}","counted":{{"amount":-1,"unit":"kg"}},"reason":"被盗"}}]}})", good, lot_id)),
                422, "quantity_negative", "counts[1].counted.amount");
  check_problem(plant.post("/v1/stocktakes", fmt::format(
                    R"({{"counts":[{{"item_id":"{}","counted":{{"amount":90,"unit":"piece"}}}}]}})", b1_id)),
                422, "reason_required", "counts[0].reason");
  check_problem(plant.post("/v1/stocktakes", R"({"counts":[{"item_id":"lot-99","counted":{"amount":1,"unit":"kg"},"reason":"x"}]})"),
                404, "item_not_found", "counts[0].item_id");
  check_problem(plant.post("/v1/stocktakes", fmt::format(
                    R"({{"counts":[{{"item_id":"{}","counted":{{"amount":1,"unit":"kg"}},"reason":"x"}}]}})", b1_id)),
                422, "unit_mismatch", "counts[0].counted.unit");
  check_problem(plant.post("/v1/stocktakes", fmt::format(R"({{"counts":[{},{}]}})", good, good)),
                422, "item_duplicate", "counts[1].item_id");
  check_problem(plant.post("/v1/stocktakes", fmt::format(
                    R"({{"counts":[{},{{"item_id":"{}","counted":{{"amount":1,"unit":"kg"}},"colour":"red"}}]}})", good, lot_id)),
                422, "unknown_field", "counts[1].colour");
  check_problem(plant.post("/v1/stocktakes", fmt::format(
                    R"({{"counts":[{{"item_id":"{}","counted":{{"unit":"piece"}}}}]}})", b1_id)),
                422, "field_required", "counts[0].counted.amount");
  check_problem(plant.post("/v1/stocktakes", R"({"counts":[]})"), 422, "counts_required", "counts");
  check_problem(plant.post("/v1/stocktakes", fmt::format(R"({{"taken_on":"{}","counts":[{}]}})", days_from_today(1), good)),
                422, "taken_on_in_future", "taken_on");
  // Another enterprise sees none of it and cannot count it.
  check_problem(other.get_fresh("/v1/inventory/" + b1_id), 404, "item_not_found", "item_id");
  check_problem(other.get_fresh("/v1/inventory/" + b1_id + "/movements"), 404, "item_not_found", "item_id");
  CHECK(other.get_fresh("/v1/inventory").size("/items") == 0);
  CHECK(other.get_fresh("/v1/stocktakes").size("/items") == 0);
  check_problem(other.get_fresh("/v1/stocktakes/st-1"), 404, "stocktake_not_found", "stocktake_id");
  check_problem(other.post("/v1/stocktakes", fmt::format(R"({{"counts":[{}]}})", good)),
                404, "item_not_found", "counts[0].item_id");

  // Goods bought by hand from a farm (receiving's route): a new lot, a "received" movement, and
  // the priced receipt's automatic purchases expense.
  Reply rcv = plant.post("/v1/receipts/manual", fmt::format(
      R"({{"supplier_id":"{}","product":"荔枝","lot_code":"FARM-7","quantity":{{"amount":20,"unit":"kg"}},"production_date":"{}","received_on":"{}","price_fen":8000}})",
      farm_id, days_from_today(-14), days_from_today(-12)));
  INFO(rcv.body);
  REQUIRE(rcv.status == 201);
  Reply lychee = plant.get_fresh("/v1/inventory?product=%E8%8D%94%E6%9E%9D");  // 荔枝
  REQUIRE(lychee.size("/items") == 1);
  const std::string lot2_id = lychee.str("/items/0/item_id");
  CHECK(lychee.str("/items/0/source") == "manual");
  CHECK(lychee.num("/items/0/stock/amount") == 20'000);
  CHECK(lychee.str("/items/0/supplier_name") == "博罗县绿源菜心种植专业合作社");
  Reply rm = plant.get_fresh("/v1/inventory/" + lot2_id + "/movements");
  REQUIRE(rm.size("/items") == 1);
  CHECK(rm.str("/items/0/kind") == "received");
  CHECK(rm.str("/items/0/date") == days_from_today(-12));
  CHECK(rm.str("/items/0/document/type") == "receipt");
  CHECK(rm.str("/items/0/document/id").starts_with("rcv-"));

  // R-4.3.6 income and expense by hand.
  Reply fe = plant.post("/v1/finance/entries", fmt::format(
      R"({{"direction":"expense","amount_fen":35000,"category":"运输费","counterparty_id":"{}","document":"发票 No.44000123","date":"{}","note":"冷链运输"}})",
      farm_id, days_from_today(-10)));
  INFO(fe.body);
  REQUIRE(fe.status == 201);
  const std::string fe_id = fe.str("/id");
  CHECK(fe_id.starts_with("fe-"));
  REQUIRE(plant.post("/v1/finance/entries", R"({"direction":"income","amount_fen":12000,"category":"政府补贴","date":")" + days_from_today(-24) + R"("})").status == 201);
  REQUIRE(plant.post("/v1/finance/entries", R"({"direction":"expense","amount_fen":500,"category":"运输费","date":")" + days_from_today(-34) + R"("})").status == 201);
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"income","amount_fen":100,"category":"sales"})"),
                422, "category_reserved", "category");
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"expense","amount_fen":100,"category":"purchases"})"),
                422, "category_reserved", "category");
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"income","amount_fen":0,"category":"补贴"})"),
                422, "amount_not_positive", "amount_fen");
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"both","amount_fen":1,"category":"补贴"})"),
                422, "direction_unknown", "direction");
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"income","amount_fen":1,"category":"补贴","counterparty_id":"cp-99"})"),
                404, "counterparty_not_found", "counterparty_id");
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"income","amount_fen":1,"category":"补贴","date":")" + days_from_today(1) + R"("})"),
                422, "date_in_future", "date");
  check_problem(plant.post("/v1/finance/entries", R"({"direction":"income","amount_fen":1,"category":"补贴","vat":true})"),
                422, "unknown_field", "vat");

  Reply expenses = plant.get_fresh("/v1/finance/entries?direction=expense&from=" + days_from_today(-33));
  REQUIRE(expenses.status == 200);
  REQUIRE(expenses.size("/items") == 3);
  CHECK(expenses.str("/items/0/category") == "purchases");  // today-13, posted by the PO receipt
  CHECK(expenses.num("/items/0/amount_fen") == 100000);
  CHECK(expenses.str("/items/0/document") == "purchase_order:" + po_id);
  CHECK(expenses.str("/items/1/category") == "purchases");  // today-12, posted by the goods receipt
  CHECK(expenses.num("/items/1/amount_fen") == 8000);
  CHECK(expenses.str("/items/1/document") == "receipt:" + rm.str("/items/0/document/id"));
  CHECK(expenses.str("/items/2/entry_id") == fe_id);
  CHECK(expenses.num("/items/2/amount_fen") == 35000);
  CHECK(expenses.str("/items/2/counterparty_name") == "博罗县绿源菜心种植专业合作社");
  CHECK(expenses.str("/items/2/document") == "发票 No.44000123");
  CHECK(expenses.body.find("\"automatic\":false") != std::string::npos);
  Reply income = plant.get_fresh("/v1/finance/entries?direction=income");
  REQUIRE(income.size("/items") == 2);
  CHECK(income.str("/items/0/category") == "政府补贴");  // today-24
  CHECK(income.str("/items/1/category") == "sales");    // today-10, the shipment's date
  CHECK(income.str("/items/1/document") == "shipment:" + sh_id);
  CHECK(income.num("/items/1/amount_fen") == 90000);
  CHECK(income.body.find("\"automatic\":true") != std::string::npos);
  Reply freight = plant.get_fresh("/v1/finance/entries?category=%E8%BF%90%E8%BE%93%E8%B4%B9&limit=1");  // 运输费
  REQUIRE(freight.size("/items") == 1);
  CHECK(freight.str("/items/0/date") == days_from_today(-34));
  CHECK(plant.get_fresh("/v1/finance/entries?category=%E8%BF%90%E8%BE%93%E8%B4%B9&after_id=" +
                        freight.str("/next_after")).str("/items/0/entry_id") == fe_id);

  // The statement of a period (today-33 .. today-4): the hand entries, and sales/purchases
  // reconciled with the goods; the period before it holds only the freight of today-34.
  const std::string period = "from=" + days_from_today(-33) + "&to=" + days_from_today(-4);
  Reply nov = plant.get_fresh("/v1/finance/statement?" + period);
  INFO(nov.body);
  REQUIRE(nov.status == 200);
  CHECK(nov.num("/expense_fen") == 35000 + 8000 + 100000);
  CHECK(nov.num("/reconciliation/purchases/receipts_fen") == 8000 + 100000);
  CHECK(nov.num("/reconciliation/purchases/posted_fen") == 8000 + 100000);
  // The shipment of 3 of the order's 5 pieces carries 3/5 of its 150000 fen, posted as sales.
  const int64_t sales_posted = nov.num("/reconciliation/sales/posted_fen");
  CHECK(sales_posted == 90000);
  CHECK(nov.num("/income_fen") == 12000 + sales_posted);
  CHECK(nov.num("/net_fen") == 12000 + sales_posted - 35000 - 8000 - 100000);
  CHECK(nov.num("/reconciliation/sales/shipments_fen") == sales_posted);
  CHECK(nov.num("/reconciliation/sales/difference_fen") == 0);
  CHECK(flag(nov, "/reconciliation/sales/reconciled"));
  CHECK(flag(nov, "/reconciliation/purchases/reconciled"));
  CHECK(nov.body.find("\"category\":\"政府补贴\",\"amount_fen\":12000,\"entries\":1") != std::string::npos);
  CHECK(plant.get_fresh("/v1/finance/statement?from=" + days_from_today(-64) + "&to=" + days_from_today(-34)).num("/expense_fen") == 500);
  check_problem(plant.get_fresh("/v1/finance/statement?from=" + days_from_today(-33)), 422, "field_required", "to");
  check_problem(plant.get_fresh("/v1/finance/statement?from=" + days_from_today(-4) + "&to=" + days_from_today(-33)), 422, "period_invalid", "to");
  Reply theirs = other.get_fresh("/v1/finance/statement?" + period);
  CHECK(theirs.num("/income_fen") == 0);
  CHECK(theirs.num("/expense_fen") == 0);
  CHECK(other.get_fresh("/v1/finance/entries").size("/items") == 0);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.3.5 R-4.3.6 inventory, stocktakes, income and expense", inventory_slice)

}  // namespace agritrace::testing
