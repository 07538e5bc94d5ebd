// Pure rules of receiving (R-4.3.2), sales from received goods and retail (R-4.3.4), the stock
// they move (R-4.3.5), their automatic postings (R-4.3.6), across several enterprises.
#include <doctest/doctest.h>

#include "core/codes/codes.h"
#include "core/sales/rules.h"
#include "tests/core/domain/world_fixture.h"

namespace agritrace::core {
using namespace testing;  // NOLINT: test file

namespace {

constexpr const char* kFarm = "91441322MA4UHK1P0J";
constexpr const char* kWholesaler = "91440101MA59XYW12B";
constexpr const char* kRetailer = "91440300708461136T";
constexpr const char* kStranger = "91110000600037341L";

Quantity grams(int64_t n) { return Quantity{n, Unit::kGram}; }

std::string uri(const std::string& lot, const std::string& serial) {
  return "https://trace.example.cn/01/06291041500213/10/" + lot + "/21/" + serial;
}

CounterpartyRecord enterprise_customer(const std::string& uscc, const std::string& name) {
  CounterpartyRecord r = enterprise_supplier(uscc);
  r.roles.supplier = false;
  r.roles.customer = true;
  r.name = name;
  r.region = "广东省";
  return r;
}

CounterpartyRecord consumer() {
  CounterpartyRecord r = individual_supplier();
  r.roles.supplier = false;
  r.roles.customer = true;
  return r;
}

// The farm's batch b-1 (lot code L1, 500 g per code) with codes s1..s6, shipped to the
// wholesaler (s1..s4) by sales order so-1 priced 4,000 fen for 2,000 g.
struct Chain : World {
  explicit Chain(std::optional<Date> expiry = day("2026-11-30")) {
    register_enterprise(kFarm, "博罗绿源农场", "广东省惠州市博罗县");
    register_enterprise(kWholesaler, "广州江南果菜批发", "广东省广州市");
    register_enterprise(kRetailer, "深圳福田鲜果店", "广东省深圳市");
    register_enterprise(kStranger, "北京某超市", "北京市");
    TenantState& farm = states[kFarm];
    REQUIRE(must(kFarm, CreateBatch{"菜心", "L1", grams(5000), day("2026-11-20"), expiry, "", {}}) == "b-1");
    farm.code_templates["ct-1"].quantity_per_code = grams(500);
    CodeRunState& run = farm.code_runs["run-1"];
    run.template_id = "ct-1";
    run.batch_id = "b-1";
    run.gtin = "06291041500213";
    run.lot_code = "L1";
    for (const char* s : {"s1", "s2", "s3", "s4", "s5", "s6"}) {
      farm.codes.put(s, TraceCodeState{"run-1", "b-1", false, false});
    }
    REQUIRE(must(kFarm, RegisterCounterparty{enterprise_customer(kWholesaler, "广州江南果菜批发")}) == "cp-1");
    CreateSalesOrder so;
    so.customer_id = "cp-1";
    so.batch_id = "b-1";
    so.quantity = grams(2000);
    so.price_fen = 4'000;
    REQUIRE(must(kFarm, so) == "so-1");
    ShipSalesOrder ship{"so-1", {uri("L1", "s1"), uri("L1", "s2"), uri("L1", "s3"), uri("L1", "s4")},
                        std::nullopt, kWholesaler};
    auto shipped = apply(kFarm, ship);
    REQUIRE_MESSAGE(shipped.ok(), shipped.status().to_string());
  }
};

template <typename E>
const E* first_of(const Result<std::vector<Event>>& r) {
  if (!r.ok()) return nullptr;
  for (const Event& e : *r) {
    if (const E* found = std::get_if<E>(&e)) return found;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("R-4.3.4 R-4.3.6 a priced shipment to a registered enterprise posts its income") {
  Chain w;
  const auto& [tenant, event] = w.log.back();
  CHECK(tenant == kFarm);
  const auto* income = std::get_if<FinanceEntryRecorded>(&event);
  REQUIRE(income != nullptr);
  CHECK(income->amount_fen == 4'000);
  CHECK(income->category == "sales");
  CHECK(income->document == "shipment:sh-1");
  CHECK(income->automatic);
  // The customer's write model knows the shipment is on its way.
  const CirculationState& c = w.states[kWholesaler].circulation;
  REQUIRE(c.inbound.count(std::string(kFarm) + "/sh-1") == 1);
  CHECK(c.inbound_codes.in_memory().size() == 4);
}

TEST_CASE("R-4.3.2 receiving by scan fills the record from the shipment, a partial receipt lists what is missing") {
  Chain w;
  ReceiveGoods rc;
  rc.codes = {uri("L1", "s1"), uri("L1", "s2"), uri("L1", "s3")};
  auto r = w.apply(kWholesaler, rc);
  REQUIRE(r.ok());
  const auto* got = first_of<GoodsReceived>(r);
  REQUIRE(got != nullptr);
  CHECK(got->receipt_id == "rcv-1");
  CHECK(got->lot_id == "lot-1");
  CHECK(got->source == ReceiptSource::kScan);
  CHECK(got->from_tenant == kFarm);
  CHECK(got->from_name == "博罗绿源农场");
  CHECK(got->shipment_id == "sh-1");
  CHECK(got->from_item_id == "b-1");
  CHECK(got->origin_tenant == kFarm);
  CHECK(got->origin_batch_id == "b-1");
  CHECK(got->product == "菜心");
  CHECK(got->lot_code == "L1");
  CHECK(got->production_date == day("2026-11-20"));
  CHECK(got->expiry_date == day("2026-11-30"));
  CHECK(got->quantity == grams(1500));
  CHECK(got->serials == std::vector<std::string>{"s1", "s2", "s3"});
  CHECK(got->missing_serials == std::vector<std::string>{"s4"});
  CHECK(first_of<FinanceEntryRecorded>(r) == nullptr);  // no price given, no market order

  // The missing code arrives later: same lot, new receipt, nothing missing any more.
  ReceiveGoods rest;
  rest.codes = {uri("L1", "s4")};
  rest.price_fen = 1'000;
  auto r2 = w.apply(kWholesaler, rest);
  REQUIRE(r2.ok());
  const auto* got2 = first_of<GoodsReceived>(r2);
  REQUIRE(got2 != nullptr);
  CHECK(got2->receipt_id == "rcv-2");
  CHECK(got2->lot_id == "lot-1");
  CHECK(got2->missing_serials.empty());
  const auto* expense = first_of<FinanceEntryRecorded>(r2);
  REQUIRE(expense != nullptr);
  CHECK(expense->direction == FinanceDirection::kExpense);
  CHECK(expense->category == "purchases");
  CHECK(expense->amount_fen == 1'000);
  CHECK(expense->document == "receipt:rcv-2");
  auto item = find_stock_item(w.states[kWholesaler], "lot-1", "item_id");
  REQUIRE(item.ok());
  CHECK(item->stock == grams(2000));
  CHECK(item->origin_tenant == kFarm);
}

TEST_CASE("R-4.3.2 receiving refuses codes with the reason per code and records nothing") {
  Chain w;
  ReceiveGoods once;
  once.codes = {uri("L1", "s1")};
  REQUIRE(w.apply(kWholesaler, once).ok());
  REQUIRE(w.apply(kFarm, DisableCode{"s3", "破损"}).ok());
  ReceiveGoods bad;
  bad.codes = {uri("L1", "s1"), uri("L1", "s5"), uri("L1", "s2"), "not a code", uri("L1", "s3"),
               uri("L1", "s2")};
  auto r = w.apply(kWholesaler, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "codes_refused");
  CHECK(r.error().field == "codes");
  const std::string& d = r.error().details_json;
  CHECK(d.find(R"({"code":")" + uri("L1", "s1") + R"(","reason":"code_already_received"})") != std::string::npos);
  CHECK(d.find(R"({"code":")" + uri("L1", "s5") + R"(","reason":"code_not_shipped_to_you"})") != std::string::npos);
  CHECK(d.find(R"({"code":"not a code","reason":"code_syntax"})") != std::string::npos);
  CHECK(d.find(R"({"code":")" + uri("L1", "s3") + R"(","reason":"code_disabled"})") != std::string::npos);
  CHECK(d.find("code_duplicate_in_scan") != std::string::npos);
  CHECK(d.find(uri("L1", "s2") + "\",\"reason\":\"code_not") == std::string::npos);  // s2 is fine
  CHECK(w.states[kWholesaler].circulation.last_receipt == 1);

  // Another enterprise cannot receive goods that were not shipped to it.
  ReceiveGoods stranger;
  stranger.codes = {uri("L1", "s2")};
  CHECK(reason(w.apply(kStranger, stranger)) == "codes_refused");

  // A recall at the farm stops the goods at the door.
  REQUIRE(w.apply(kFarm, RaiseRecall{RecallScope::kBatch, "b-1", "农残超标"}).ok());
  ReceiveGoods after;
  after.codes = {uri("L1", "s2")};
  auto recalled = w.apply(kWholesaler, after);
  REQUIRE_FALSE(recalled.ok());
  CHECK(recalled.error().details_json.find("code_recalled") != std::string::npos);
  CHECK(reason(w.apply(kWholesaler, ReceiveGoods{})) == "codes_required");
}

TEST_CASE("R-4.3.4 received goods are sold on by scan, wholesale and retail, and follow their origin") {
  Chain w;
  ReceiveGoods rc;
  rc.codes = {uri("L1", "s1"), uri("L1", "s2"), uri("L1", "s3"), uri("L1", "s4")};
  REQUIRE(w.apply(kWholesaler, rc).ok());
  REQUIRE(w.must(kWholesaler, RegisterCounterparty{enterprise_customer(kRetailer, "深圳福田鲜果店")}) == "cp-1");
  CreateSalesOrder so;
  so.customer_id = "cp-1";
  so.batch_id = "lot-1";
  so.quantity = grams(1500);
  so.price_fen = 4'500;
  REQUIRE(w.must(kWholesaler, so) == "so-1");
  CHECK(std::get<SalesOrderCreated>(w.log.back().second).product == "菜心");

  // A code the wholesaler never received, and one of another lot, are refused.
  ShipSalesOrder wrong{"so-1", {uri("L1", "s5"), uri("L1", "s1")}, std::nullopt, kRetailer};
  auto refused = w.apply(kWholesaler, wrong);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().details_json.find("code_unknown") != std::string::npos);

  ShipSalesOrder ship{"so-1", {uri("L1", "s1"), uri("L1", "s2")}, std::nullopt, kRetailer};
  auto shipped = w.apply(kWholesaler, ship);
  REQUIRE(shipped.ok());
  const auto* sh = first_of<ShipmentRecorded>(shipped);
  REQUIRE(sh != nullptr);
  CHECK(sh->batch_id == "lot-1");
  CHECK(sh->lot_code == "L1");
  CHECK(sh->origin_tenant == kFarm);
  CHECK(sh->origin_batch_id == "b-1");
  CHECK(sh->ship_to_tenant == kRetailer);
  CHECK(sh->price_fen == 3'000);  // 1000 g of 1500 g: two thirds of the price
  CHECK(find_stock_item(w.states[kWholesaler], "lot-1", "x")->stock == grams(1000));
  // Shipped codes left the wholesaler: shipping them again is refused.
  ShipSalesOrder again{"so-1", {uri("L1", "s1")}, std::nullopt, kRetailer};
  CHECK(w.apply(kWholesaler, again).error().details_json.find("code_already_shipped") != std::string::npos);

  // The retailer receives and sells one code to a consumer with a payment voucher.
  ReceiveGoods at_shop;
  at_shop.codes = {uri("L1", "s1"), uri("L1", "s2")};
  auto received = w.apply(kRetailer, at_shop);
  REQUIRE(received.ok());
  CHECK(first_of<GoodsReceived>(received)->from_tenant == kWholesaler);
  CHECK(first_of<GoodsReceived>(received)->origin_tenant == kFarm);
  CHECK(first_of<GoodsReceived>(received)->from_item_id == "lot-1");
  RecordRetailSale sale;
  sale.codes = {uri("L1", "s1")};
  sale.payment_voucher = "4200001234202611250001";
  sale.price_fen = 1'290;
  auto sold = w.apply(kRetailer, sale);
  REQUIRE(sold.ok());
  REQUIRE(sold->size() == 4);
  CHECK(std::get<SalesOrderCreated>((*sold)[0]).customer_id == kAnonymousConsumer);
  const auto& retail = std::get<ShipmentRecorded>((*sold)[1]);
  CHECK(retail.ship_to_individual);
  CHECK(retail.payment_voucher == "4200001234202611250001");
  CHECK(retail.origin_tenant == kFarm);
  CHECK(retail.quantity == grams(500));
  CHECK(std::get<SalesOrderStatusChanged>((*sold)[2]).status == SalesOrderStatus::kShipped);
  CHECK(std::get<FinanceEntryRecorded>((*sold)[3]).amount_fen == 1'290);
  // The same code cannot be sold twice.
  CHECK(reason(w.apply(kRetailer, sale)) == "codes_refused");
  // A recall at the farm now stops the retailer's remaining stock from that lot.
  REQUIRE(w.apply(kFarm, RaiseRecall{RecallScope::kBatch, "b-1", "农残超标"}).ok());
  RecordRetailSale more;
  more.codes = {uri("L1", "s2")};
  auto stopped = w.apply(kRetailer, more);
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error().reason == "batch_recalled");
}

TEST_CASE("R-4.3.2 R-4.3.4 goods without codes: received by hand, sold by quantity, stock never negative") {
  Chain w;
  CounterpartyRecord farmer = individual_supplier();
  REQUIRE(w.must(kRetailer, RegisterCounterparty{farmer}) == "cp-1");
  ReceiveGoodsManually m;
  m.supplier_id = "cp-1";
  m.product = "土鸡蛋";
  m.lot_code = "WANG-1125";
  m.quantity = Quantity{30, Unit::kPiece};
  m.production_date = day("2026-11-24");
  m.price_fen = 3'000;
  auto r = w.apply(kRetailer, m);
  REQUIRE(r.ok());
  const auto* got = first_of<GoodsReceived>(r);
  REQUIRE(got != nullptr);
  CHECK(got->source == ReceiptSource::kManual);
  CHECK(got->supplier_name == "王五");
  CHECK(got->lot_id == "lot-1");
  CHECK(first_of<FinanceEntryRecorded>(r)->category == "purchases");

  RecordRetailSale sale;
  sale.item_id = "lot-1";
  sale.quantity = Quantity{12, Unit::kPiece};
  sale.price_fen = 2'400;
  REQUIRE(w.apply(kRetailer, sale).ok());
  sale.quantity = Quantity{19, Unit::kPiece};
  CHECK(reason(w.apply(kRetailer, sale)) == "stock_insufficient");
  sale.quantity = Quantity{18, Unit::kGram};
  CHECK(reason(w.apply(kRetailer, sale)) == "unit_mismatch");
  sale.quantity = Quantity{18, Unit::kPiece};
  REQUIRE(w.apply(kRetailer, sale).ok());
  CHECK(find_stock_item(w.states[kRetailer], "lot-1", "x")->stock.amount == 0);

  // Refusals of the manual receipt.
  ReceiveGoodsManually bad = m;
  bad.supplier_id = "cp-9";
  CHECK(reason(w.apply(kRetailer, bad)) == "supplier_not_found");
  bad = m;
  bad.quantity = Quantity{0, Unit::kPiece};
  CHECK(reason(w.apply(kRetailer, bad)) == "quantity_not_positive");
  bad = m;
  bad.product = " ";
  CHECK(reason(w.apply(kRetailer, bad)) == "value_required");
  bad = m;
  bad.received_on = day("2026-12-25");
  CHECK(reason(w.apply(kRetailer, bad)) == "received_on_in_future");
  REQUIRE(w.must(kRetailer, RegisterCounterparty{consumer()}).starts_with("ERROR"));  // same ID number
}

TEST_CASE("R-4.2.2 R-4.3.2 a received lot is material for production, no expiry date means it does not expire") {
  Chain w(std::nullopt);
  ReceiveGoods rc;
  rc.codes = {uri("L1", "s1"), uri("L1", "s2")};
  auto r = w.apply(kWholesaler, rc);
  REQUIRE(r.ok());
  CHECK_FALSE(first_of<GoodsReceived>(r)->expiry_date.has_value());
  REQUIRE(w.must(kWholesaler, CreateBatch{"净菜", "W1", Quantity{10, Unit::kPiece}, day("2026-11-25"),
                                          std::nullopt, "", {}}) == "b-1");
  auto used = w.apply(kWholesaler, ConsumeMaterial{"b-1", "lot-1", grams(600)});
  CHECK_MESSAGE(used.ok(), used.status().to_string());
  CHECK(find_stock_item(w.states[kWholesaler], "lot-1", "x")->stock == grams(400));
  // More than what is left is refused.
  CHECK(reason(w.apply(kWholesaler, ConsumeMaterial{"b-1", "lot-1", grams(500)})) != "ok");
}

TEST_CASE("R-4.3.4 retail refusals") {
  Chain w;
  RecordRetailSale s;
  CHECK(reason(w.apply(kFarm, s)) == "codes_required");
  s.item_id = "b-1";
  CHECK(reason(w.apply(kFarm, s)) == "value_required");
  s.quantity = grams(500);
  s.payment_voucher = "有空格 x";
  CHECK(reason(w.apply(kFarm, s)) == "payment_voucher_invalid");
  s.payment_voucher = "";
  s.customer_id = "cp-1";  // the wholesaler: an enterprise, not a consumer
  CHECK(reason(w.apply(kFarm, s)) == "customer_not_individual");
  s.customer_id = "";
  s.codes = {uri("L1", "s5")};
  CHECK(reason(w.apply(kFarm, s)) == "codes_or_quantity");
  s.quantity.reset();
  s.item_id = "";
  auto ok = w.apply(kFarm, s);  // the producer sells a coded item at its own farm shop
  REQUIRE(ok.ok());
  CHECK(std::get<ShipmentRecorded>((*ok)[1]).origin_tenant.empty());
}

TEST_CASE("R-4.3.2 cross-enterprise facts fold to the same write model in any order between enterprises") {
  Chain w;
  ReceiveGoods rc;
  rc.codes = {uri("L1", "s1"), uri("L1", "s2")};
  REQUIRE(w.apply(kWholesaler, rc).ok());
  // Refold: all wholesaler events first, then everyone else's (each tenant's own order kept).
  WriteModel reordered;
  for (const auto& [tenant, e] : w.log) {
    if (tenant == kWholesaler) reordered.apply(tenant, e);
  }
  for (const auto& [tenant, e] : w.log) {
    if (tenant != kWholesaler) reordered.apply(tenant, e);
  }
  const CirculationState& a = w.states[kWholesaler].circulation;
  const CirculationState& b = reordered[kWholesaler].circulation;
  CHECK(a.inbound_codes.in_memory() == b.inbound_codes.in_memory());
  CHECK(a.received_codes.in_memory() == b.received_codes.in_memory());
  CHECK(a.held_codes.in_memory() == b.held_codes.in_memory());
  REQUIRE(b.inbound.count(std::string(kFarm) + "/sh-1") == 1);
  CHECK(b.inbound.at(std::string(kFarm) + "/sh-1").lot_id == "lot-1");
  CHECK(b.inbound_serials.in_memory() == a.inbound_serials.in_memory());
  CHECK(b.inbound_serials.find(std::string(kFarm) + "/sh-1").has_value());
  // And the rules decide the same on both: s1 is received already, s3 is still welcome.
  ReceiveGoods next;
  next.codes = {uri("L1", "s3")};
  World other;
  other.states = reordered;
  // The farm's codes were put into its state directly (no generation events in this log).
  other.states[kFarm].codes = w.states[kFarm].codes;
  other.states[kFarm].code_runs = w.states[kFarm].code_runs;
  auto decided = other.apply(kWholesaler, next);
  CHECK_MESSAGE(decided.ok(), decided.status().to_string());
  CHECK(w.apply(kWholesaler, next).ok());
}

}  // namespace agritrace::core

namespace agritrace::core {

TEST_CASE("R-4.3.6 a priced purchase order posts its purchases expense on receipt, in proportion") {
  World w;
  w.register_enterprise(kTenant, "惠州市罗浮山食品有限公司", "广东省惠州市");
  REQUIRE(w.must(kTenant, RegisterCounterparty{enterprise_supplier()}) == "cp-1");
  CreatePurchaseOrder po{"荔枝", "cp-1", Quantity{100'000, Unit::kGram}, "", day("2026-11-20"),
                         day("2026-12-20"), "", 10'000};
  REQUIRE(w.must(kTenant, po) == "po-1");
  po.price_fen = -1;
  CHECK(reason(w.apply(kTenant, po)) == "price_negative");
  auto r = w.apply(kTenant, ReceivePurchaseOrder{"po-1", Quantity{50'000, Unit::kGram}, day("2026-11-25")});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK(std::get<PurchaseOrderReceived>((*r)[0]).price_fen == 5'000);
  const auto& f = std::get<FinanceEntryRecorded>((*r)[1]);
  CHECK(f.direction == FinanceDirection::kExpense);
  CHECK(f.category == "purchases");
  CHECK(f.amount_fen == 5'000);
  CHECK(f.document == "purchase_order:po-1");
  CHECK(f.counterparty_id == "cp-1");
  CHECK(f.automatic);
  // Unpriced orders post nothing.
  CreatePurchaseOrder free_po{"菜心", "cp-1", Quantity{10, Unit::kGram}, "", day("2026-11-20"),
                              day("2026-12-20"), ""};
  REQUIRE(w.must(kTenant, free_po) == "po-2");
  CHECK(w.apply(kTenant, ReceivePurchaseOrder{"po-2", Quantity{10, Unit::kGram}, day("2026-11-25")})->size() == 1);
}

}  // namespace agritrace::core
