// Pure rules of sales orders, shipping (R-4.2.3) and recalls (R-4.2.4).
#include <doctest/doctest.h>

#include "core/codes/codes.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core {
using namespace testing;  // NOLINT: test file

namespace {

Quantity pieces(int64_t n) { return Quantity{n, Unit::kPiece}; }

CounterpartyRecord customer(std::string uscc = kCustomerUscc) {
  CounterpartyRecord r = enterprise_supplier(std::move(uscc));
  r.roles.supplier = false;
  r.roles.customer = true;
  r.region = "广东省广州市";
  return r;
}

// Codes put straight into the state, as the codes engineer's events would (1 piece per code).
void add_codes(TenantState& s, const std::string& run_id, const std::string& batch_id,
               const std::string& lot_code, std::initializer_list<const char*> serials,
               Quantity per_code = Quantity{1, Unit::kPiece}) {
  s.code_templates["ct-" + run_id].quantity_per_code = per_code;
  CodeRunState& run = s.code_runs[run_id];
  run.template_id = "ct-" + run_id;
  run.batch_id = batch_id;
  run.gtin = "06291041500213";
  run.lot_code = lot_code;
  for (const char* serial : serials) s.codes.put(serial, TraceCodeState{run_id, batch_id, false, false});
}

std::string uri(const std::string& lot, const std::string& serial) {
  return "https://trace.example.cn/01/06291041500213/10/" + lot + "/21/" + serial;
}

struct Shop : Harness {
  std::string cust, cust2, supplier, b1, b2;
  Shop() {
    register_enterprise();
    cust = must(RegisterCounterparty{customer()});
    supplier = must(RegisterCounterparty{enterprise_supplier()});
    CounterpartyRecord person = individual_supplier();
    person.roles.supplier = false;
    person.roles.customer = true;
    cust2 = must(RegisterCounterparty{person});
    b1 = must(CreateBatch{"荔枝干", "L1", pieces(10), day("2026-11-20"), day("2027-11-20"), "", {}});
    b2 = must(CreateBatch{"荔枝干", "L2", pieces(10), day("2026-11-21"), std::nullopt, "", {}});
    add_codes(state, "run-1", b1, "L1", {"s1", "s2", "s3", "s4", "s5", "s6"});
    add_codes(state, "run-2", b2, "L2", {"t1"});
  }
  CreateSalesOrder order(std::string customer_id, std::string batch_id, int64_t n) {
    CreateSalesOrder c;
    c.customer_id = std::move(customer_id);
    c.batch_id = std::move(batch_id);
    c.quantity = pieces(n);
    return c;
  }
};

}  // namespace

TEST_CASE("R-4.2.3 a sales order takes product and dates from the batch") {
  Shop h;
  auto r = h.apply(h.order(h.cust, h.b1, 4));
  REQUIRE(r.ok());
  const auto& e = std::get<SalesOrderCreated>(r->front());
  CHECK(e.so_id == "so-1");
  CHECK(e.product == "荔枝干");
  CHECK(e.production_date == day("2026-11-20"));
  CHECK(e.expiry_date == day("2027-11-20"));
  CHECK(h.state.sales.orders.at("so-1").status == SalesOrderStatus::kOpen);
}

TEST_CASE("R-4.2.3 sales order refusals") {
  Shop h;
  CHECK(reason(h.apply(h.order("cp-99", h.b1, 1))) == "customer_not_found");
  CHECK(reason(h.apply(h.order(h.supplier, h.b1, 1))) == "counterparty_not_customer");
  CHECK(reason(h.apply(h.order(h.cust, "b-99", 1))) == "batch_not_found");
  CHECK(reason(h.apply(h.order(h.cust, h.b1, 0))) == "quantity_not_positive");
  CHECK(reason(h.apply(h.order(h.cust, h.b1, 11))) == "order_exceeds_stock");
  auto kg = h.order(h.cust, h.b1, 1);
  kg.quantity = Quantity{1000, Unit::kGram};
  CHECK(reason(h.apply(kg)) == "unit_mismatch");
  auto price = h.order(h.cust, h.b1, 1);
  price.price_fen = -1;
  CHECK(reason(h.apply(price)) == "price_negative");
  auto dates = h.order(h.cust, h.b1, 1);
  dates.expiry_date = day("2026-01-01");
  CHECK(reason(h.apply(dates)) == "expiry_before_production");
}

TEST_CASE("R-4.2.3 amend only while open, cancel open or partially shipped") {
  Shop h;
  const std::string so = h.must(h.order(h.cust, h.b1, 4));
  CHECK(h.must(AmendSalesOrder{so, h.order(h.cust, h.b2, 5)}) == so);
  CHECK(h.state.sales.orders.at(so).batch_id == h.b2);
  CHECK(reason(h.apply(AmendSalesOrder{"so-9", h.order(h.cust, h.b1, 1)})) == "sales_order_not_found");
  CHECK(h.must(CancelSalesOrder{so, "客户取消"}) == so);
  CHECK(reason(h.apply(CancelSalesOrder{so, ""})) == "sales_order_not_open");
  CHECK(reason(h.apply(AmendSalesOrder{so, h.order(h.cust, h.b1, 1)})) == "sales_order_not_open");
  CHECK(reason(h.apply(ShipSalesOrder{so, {uri("L2", "t1")}, std::nullopt, {}})) == "sales_order_not_open");
}

TEST_CASE("R-4.2.3 shipping: status events, stock, double shipping, over-shipping") {
  Shop h;
  const std::string so = h.must(h.order(h.cust, h.b1, 4));
  auto first = h.apply(ShipSalesOrder{so, {uri("L1", "s1"), "/01/6291041500213/10/L1/21/s2"}, std::nullopt,
                                      kCustomerUscc});
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  const auto& sh = std::get<ShipmentRecorded>(first->at(0));
  CHECK(sh.shipment_id == "sh-1");
  CHECK(sh.quantity == pieces(2));
  CHECK(sh.serials == std::vector<std::string>{"s1", "s2"});
  CHECK(sh.ship_to_tenant == kCustomerUscc);
  CHECK(sh.ship_to_region == "广东省广州市");
  CHECK(sh.ship_date == h.ctx.today);
  CHECK(std::get<SalesOrderStatusChanged>(first->at(1)).status == SalesOrderStatus::kPartiallyShipped);
  CHECK(h.state.sales.batch_shipped.at(h.b1) == 2);

  // A wrong hint (not the customer's USCC) is not recorded.
  auto over = h.apply(ShipSalesOrder{so, {uri("L1", "s3"), uri("L1", "s4"), uri("L1", "s5")}, std::nullopt, {}});
  CHECK(reason(over) == "order_over_shipped");
  CHECK(over.error().code == ErrorCode::kConflict);
  auto last = h.apply(ShipSalesOrder{so, {uri("L1", "s3"), uri("L1", "s4")}, day("2026-11-24"), "91350100M000100Y43"});
  REQUIRE(last.ok());
  CHECK(std::get<ShipmentRecorded>(last->at(0)).ship_to_tenant.empty());
  CHECK(std::get<SalesOrderStatusChanged>(last->at(1)).status == SalesOrderStatus::kShipped);
  CHECK(reason(h.apply(CancelSalesOrder{so, ""})) == "sales_order_not_open");

  // A code ships once, also through another order.
  const std::string so2 = h.must(h.order(h.cust2, h.b1, 2));
  auto again = h.apply(ShipSalesOrder{so2, {uri("L1", "s1")}, std::nullopt, {}});
  CHECK(reason(again) == "codes_refused");
  CHECK(again.error().details_json == R"("codes":[{"code":")" + uri("L1", "s1") + R"(","reason":"code_already_shipped"}])");
  CHECK(reason(h.apply(ShipSalesOrder{so2, {uri("L1", "s5")}, day("2099-01-01"), {}})) == "ship_date_in_future");
  CHECK(reason(h.apply(ShipSalesOrder{so2, {}, std::nullopt, {}})) == "codes_required");
  // Partial shipment then cancel is allowed: the rest is not shipped.
  REQUIRE(h.apply(ShipSalesOrder{so2, {uri("L1", "s5")}, std::nullopt, {}}).ok());
  CHECK(h.must(CancelSalesOrder{so2, ""}) == so2);
}

TEST_CASE("R-4.2.3 a scan with bad codes is refused whole, each code with its reason") {
  Shop h;
  const std::string so = h.must(h.order(h.cust, h.b1, 5));
  auto s6 = *h.state.codes.find("s6");
  s6.disabled = true;
  h.state.codes.put("s6", s6);
  auto r = h.apply(ShipSalesOrder{so,
                                  {uri("L1", "s1"), uri("L1", "nope"), uri("L2", "t1"), uri("L1", "s6"),
                                   "garbage", uri("L1", "s1"), uri("LX", "s2")},
                                  std::nullopt, {}});
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidArgument);
  CHECK(r.error().field == "codes");
  const std::string& d = r.error().details_json;
  CHECK(d.find(R"("reason":"code_unknown")") != std::string::npos);
  CHECK(d.find(R"("reason":"code_wrong_batch")") != std::string::npos);
  CHECK(d.find(R"("reason":"code_disabled")") != std::string::npos);
  CHECK(d.find(R"("reason":"code_syntax")") != std::string::npos);
  CHECK(d.find(R"("reason":"code_duplicate_in_scan")") != std::string::npos);
  CHECK(d.find(R"({"code":")" + uri("LX", "s2") + R"(","reason":"code_unknown"})") != std::string::npos);
  CHECK(h.state.sales.shipped_codes.in_memory().empty());  // nothing shipped
  // A disabled run disables its codes.
  s6.disabled = false;
  h.state.codes.put("s6", s6);
  h.state.code_runs["run-1"].disabled = true;
  CHECK(reason(h.apply(ShipSalesOrder{so, {uri("L1", "s6")}, std::nullopt, {}})) == "codes_refused");
}

TEST_CASE("R-4.2.3 quantity per code comes from the code template, stock is never negative") {
  Shop h;
  const std::string b3 = h.must(CreateBatch{"菜心", "L3", Quantity{5000, Unit::kGram}, day("2026-11-20"), std::nullopt, "", {}});
  add_codes(h.state, "run-3", b3, "L3", {"u1", "u2", "u3"}, Quantity{2000, Unit::kGram});
  CreateSalesOrder big = h.order(h.cust, b3, 1);
  big.quantity = Quantity{5000, Unit::kGram};
  const std::string so = h.must(big);
  auto r = h.apply(ShipSalesOrder{so, {uri("L3", "u1"), uri("L3", "u2")}, std::nullopt, {}});
  REQUIRE(r.ok());
  CHECK(std::get<ShipmentRecorded>(r->front()).quantity == Quantity{4000, Unit::kGram});
  CHECK(std::get<ShipmentRecorded>(r->front()).quantity_per_code == 2000);
  CHECK(reason(h.apply(ShipSalesOrder{so, {uri("L3", "u3")}, std::nullopt, {}})) == "order_over_shipped");
  // Stock: another order of the remaining 1000 g cannot take a 2000 g code.
  CreateSalesOrder rest = h.order(h.cust, b3, 1);
  rest.quantity = Quantity{1000, Unit::kGram};
  CHECK(reason(h.apply(big)) == "order_exceeds_stock");
  const std::string so2 = h.must(rest);
  CHECK(reason(h.apply(ShipSalesOrder{so2, {uri("L3", "u3")}, std::nullopt, {}})) == "order_over_shipped");
}

TEST_CASE("R-4.2.4 recalls: lot scope follows the lineage and stops orders and shipping") {
  Shop h;
  const std::string sup = h.supplier;
  const std::string po = h.must(CreatePurchaseOrder{"荔枝", sup, Quantity{100'000, Unit::kGram}, "", day("2026-11-20"), day("2099-12-20"), ""});
  REQUIRE(h.apply(ReceivePurchaseOrder{po, Quantity{100'000, Unit::kGram}, day("2026-11-21")}).ok());
  REQUIRE(h.apply(ConsumeMaterial{h.b1, "lot-1", Quantity{50'000, Unit::kGram}}).ok());
  const std::string so = h.must(h.order(h.cust, h.b1, 2));
  CHECK(reason(h.apply(RaiseRecall{RecallScope::kLot, "lot-9", "x"})) == "lot_not_found");
  CHECK(reason(h.apply(RaiseRecall{RecallScope::kLot, "lot-1", " "})) == "value_required");
  auto r = h.apply(RaiseRecall{RecallScope::kLot, "lot-1", "农残超标"});
  REQUIRE(r.ok());
  const auto& e = std::get<RecallRaised>(r->front());
  CHECK(e.recall_id == "rc-1");
  CHECK(e.batch_ids == std::vector<std::string>{h.b1});
  CHECK(reason(h.apply(ShipSalesOrder{so, {uri("L1", "s1")}, std::nullopt, {}})) == "batch_recalled");
  CHECK(reason(h.apply(h.order(h.cust, h.b1, 1))) == "batch_recalled");
  // A batch that consumes the recalled lot later is recalled too.
  REQUIRE(h.apply(ConsumeMaterial{h.b2, "lot-1", Quantity{1'000, Unit::kGram}}).ok());
  CHECK(reason(h.apply(h.order(h.cust, h.b2, 1))) == "batch_recalled");
}

TEST_CASE("R-4.2.4 a code recall stops that code only") {
  Shop h;
  const std::string so = h.must(h.order(h.cust, h.b1, 3));
  CHECK(reason(h.apply(RaiseRecall{RecallScope::kCode, uri("L1", "zz"), "x"})) == "code_unknown");
  auto r = h.apply(RaiseRecall{RecallScope::kCode, uri("L1", "s1"), "包装破损"});
  REQUIRE(r.ok());
  CHECK(std::get<RecallRaised>(r->front()).target == "s1");
  auto refused = h.apply(ShipSalesOrder{so, {uri("L1", "s1")}, std::nullopt, {}});
  CHECK(refused.ok() == false);
  CHECK(refused.error().details_json.find("code_recalled") != std::string::npos);
  CHECK(h.apply(ShipSalesOrder{so, {uri("L1", "s2")}, std::nullopt, {}}).ok());
  CHECK(reason(h.apply(RaiseRecall{RecallScope::kBatch, "b-9", "x"})) == "batch_not_found");
}

}  // namespace agritrace::core
