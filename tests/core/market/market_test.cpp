// Pure rules of production–marketing docking: placing, cancelling, accepting and
// declining market orders between two enterprises, and the folding of each side's events into
// the other's state in any order.
#include <doctest/doctest.h>

#include <map>

#include "core/codes/codes.h"
#include "core/domain/write_model.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core {
using namespace testing;  // NOLINT: test file

namespace {

inline constexpr const char* kProducer = kTenant;          // 91350100M000100Y43
inline constexpr const char* kBuyer = kCustomerUscc;       // 92441322MA51AB2C36
inline constexpr const char* kStranger = kSupplierUscc;    // 91441322MA4UHK1P0J
inline constexpr const char* kUnregistered = "93441322MA4W12345F";

Quantity kg(int64_t n) { return Quantity{n * 1000, Unit::kGram}; }

// The single writer in miniature for several enterprises: decide with the other enterprises'
// states in the context, evolve the own state, fold cross-enterprise facts into the target.
struct World {
  WriteModel states;  // the single writer's own write model
  TenantState& platform = states[std::string(kPlatformTenant)];
  std::map<std::string, std::vector<Event>> log;  // each tenant's events in order

  World() {
    platform.catalogue["veg-caixin"] = CatalogueProduct{"veg-caixin", "菜心", "vegetable", "kg", "6901234000017"};
    register_enterprise(kProducer, "惠州市罗浮山食品有限公司", "广东省惠州市博罗县");
    register_enterprise(kBuyer, "广州市江南果菜批发有限公司", "广东省广州市白云区");
    register_enterprise(kStranger, "深圳市鲜达超市有限公司", "广东省深圳市");
  }

  Context ctx(const std::string& tenant) {
    Context c{tenant, "key-1", 1'795'622'341'123, day("2026-11-25")};
    c.facts = &states;
    return c;
  }

  Result<std::vector<Event>> apply(const std::string& tenant, const Command& command) {
    auto events = decide(states[tenant], command, ctx(tenant));
    if (events.ok()) {
      for (const Event& e : *events) {
        states.apply(tenant, e);
        log[tenant].push_back(e);
      }
    }
    return events;
  }

  std::string must(const std::string& tenant, const Command& command) {
    auto events = apply(tenant, command);
    if (!events.ok()) return "ERROR " + events.status().to_string();
    return event_subject(events->back());
  }

  void register_enterprise(const std::string& id, const std::string& name, const std::string& region) {
    REQUIRE(must(id, RegisterEnterprise{id, name, region, "key-" + id, std::string(64, 'a')}) == id);
  }

  TenantState& producer() { return states[kProducer]; }
  TenantState& buyer() { return states[kBuyer]; }
};

PlaceMarketOrder order_of(int64_t kilos, std::string producer = kProducer) {
  PlaceMarketOrder c;
  c.producer_tenant = std::move(producer);
  c.product_id = "veg-caixin";
  c.quantity = kg(kilos);
  c.price_fen = 50'000;
  c.wanted_by = day("2026-11-30");
  c.note = "早上六点前到货";
  return c;
}

// A producer with a 100 kg batch of 菜心.
struct Market : World {
  std::string batch;
  Market() {
    batch = must(kProducer, CreateBatch{"菜心", "CX-1", kg(100), day("2026-11-24"), day("2026-12-01"), "", {}});
  }
};

Error error_of(const Result<std::vector<Event>>& r) { return r.ok() ? Error{} : r.error(); }

}  // namespace

TEST_CASE("R-4.3.1 placing a market order: names from both enterprises, catalogue product") {
  World w;
  auto r = w.apply(kBuyer, order_of(20));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  const auto& e = std::get<MarketOrderPlaced>(r->front());
  CHECK(e.mo_id == "mo-1");
  CHECK(e.producer_tenant == kProducer);
  CHECK(e.producer_name == "惠州市罗浮山食品有限公司");
  CHECK(e.product == "菜心");  // from the catalogue
  CHECK(e.product_id == "veg-caixin");
  CHECK(e.quantity == kg(20));
  CHECK(e.price_fen == 50'000);
  CHECK(e.wanted_by == day("2026-11-30"));
  CHECK(e.buyer_name == "广州市江南果菜批发有限公司");
  CHECK(e.buyer_region == "广东省广州市白云区");
  // Both sides' write models know it.
  CHECK(w.buyer().circulation.market_orders.at("mo-1").status == MarketOrderStatus::kPlaced);
  const IncomingMarketOrder& in = w.producer().circulation.incoming_orders.at(std::string(kBuyer) + "/mo-1");
  CHECK(in.buyer_name == "广州市江南果菜批发有限公司");
  CHECK(in.quantity == kg(20));
  CHECK(in.status == MarketOrderStatus::kPlaced);
  // A free-text product keeps its text; numbering goes on.
  PlaceMarketOrder free = order_of(1);
  free.product_id.clear();
  free.product = "荔枝（妃子笑）";
  auto second = w.apply(kBuyer, free);
  REQUIRE(second.ok());
  CHECK(std::get<MarketOrderPlaced>(second->front()).mo_id == "mo-2");
  CHECK(std::get<MarketOrderPlaced>(second->front()).product == "荔枝（妃子笑）");
}

TEST_CASE("R-4.3.1 placing a market order: refusals") {
  World w;
  auto check = [&](PlaceMarketOrder c, ErrorCode code, const char* why, const char* field) {
    auto r = w.apply(kBuyer, c);
    CHECK(reason(r) == why);
    if (!r.ok()) {
      CHECK(r.error().code == code);
      CHECK(r.error().field == field);
    }
  };
  check(order_of(1, ""), ErrorCode::kInvalidArgument, "value_required", "producer_tenant");
  check(order_of(1, kBuyer), ErrorCode::kInvalidArgument, "producer_is_self", "producer_tenant");
  check(order_of(1, kUnregistered), ErrorCode::kNotFound, "producer_not_found", "producer_tenant");
  check(order_of(1, "platform"), ErrorCode::kNotFound, "producer_not_found", "producer_tenant");
  PlaceMarketOrder c = order_of(1);
  c.product_id = "veg-nope";
  check(c, ErrorCode::kNotFound, "product_not_found", "product_id");
  c = order_of(1);
  c.product_id.clear();
  c.product = "  ";
  check(c, ErrorCode::kInvalidArgument, "value_required", "product");
  c.product = std::string(kMaxNameBytes + 1, 'x');
  check(c, ErrorCode::kInvalidArgument, "value_too_long", "product");
  check(order_of(0), ErrorCode::kInvalidArgument, "quantity_not_positive", "quantity.amount");
  c = order_of(1);
  c.price_fen = -1;
  check(c, ErrorCode::kInvalidArgument, "price_negative", "price_fen");
  c = order_of(1);
  c.wanted_by = day("2026-11-24");
  check(c, ErrorCode::kInvalidArgument, "wanted_by_in_past", "wanted_by");
  c = order_of(1);
  c.note = std::string(kMaxNoteBytes + 1, 'x');
  check(c, ErrorCode::kInvalidArgument, "value_too_long", "note");
  // Today is not in the past; no price and no date are fine.
  c = order_of(1);
  c.wanted_by = day("2026-11-25");
  CHECK(w.apply(kBuyer, c).ok());
  c.wanted_by.reset();
  c.price_fen.reset();
  CHECK(w.apply(kBuyer, c).ok());
  CHECK(w.buyer().circulation.last_market_order == 2);  // refusals used no number
}

TEST_CASE("R-4.3.1 accepting creates the customer, the sales order and the answer, in this order") {
  Market w;
  REQUIRE(w.must(kBuyer, order_of(20)) == "mo-1");
  AcceptMarketOrder accept{kBuyer, "mo-1", w.batch, std::nullopt, "明早装车"};
  auto r = w.apply(kProducer, accept);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  const auto& cp = std::get<CounterpartyRegistered>(r->at(0));
  CHECK(cp.counterparty_id == "cp-1");
  CHECK(cp.record.kind == CounterpartyKind::kEnterprise);
  CHECK(cp.record.roles.customer);
  CHECK_FALSE(cp.record.roles.supplier);
  CHECK(cp.record.uscc == kBuyer);
  CHECK(cp.record.name == "广州市江南果菜批发有限公司");
  CHECK(cp.record.region == "广东省广州市白云区");
  const auto& so = std::get<SalesOrderCreated>(r->at(1));
  CHECK(so.so_id == "so-1");
  CHECK(so.customer_id == "cp-1");
  CHECK(so.batch_id == w.batch);
  CHECK(so.product == "菜心");
  CHECK(so.quantity == kg(20));
  CHECK(so.price_fen == 50'000);  // the offered price
  CHECK(so.production_date == day("2026-11-24"));
  CHECK(so.expiry_date == day("2026-12-01"));
  CHECK(so.note == "明早装车");
  CHECK(so.mo_buyer_tenant == kBuyer);
  CHECK(so.mo_id == "mo-1");
  const auto& ok = std::get<MarketOrderAccepted>(r->at(2));
  CHECK(ok == MarketOrderAccepted{kBuyer, "mo-1", "so-1", w.batch});
  // Both sides see the answer.
  CHECK(w.buyer().circulation.market_orders.at("mo-1").status == MarketOrderStatus::kAccepted);
  CHECK(w.buyer().circulation.market_orders.at("mo-1").so_id == "so-1");
  CHECK(w.producer().circulation.incoming_orders.at(std::string(kBuyer) + "/mo-1").status ==
        MarketOrderStatus::kAccepted);
  CHECK(w.producer().circulation.so_market_order.at("so-1") == std::string(kBuyer) + "/mo-1");
  CHECK(w.producer().sales.orders.at("so-1").customer_id == "cp-1");

  // The next order of the same buyer reuses the counterparty; a price in the command wins.
  REQUIRE(w.must(kBuyer, order_of(30)) == "mo-2");
  auto again = w.apply(kProducer, AcceptMarketOrder{kBuyer, "mo-2", w.batch, 90'000, ""});
  REQUIRE(again.ok());
  REQUIRE(again->size() == 2);
  CHECK(std::get<SalesOrderCreated>(again->at(0)).customer_id == "cp-1");
  CHECK(std::get<SalesOrderCreated>(again->at(0)).price_fen == 90'000);
  CHECK(std::get<MarketOrderAccepted>(again->at(1)).so_id == "so-2");
}

TEST_CASE("R-4.3.1 accepting gives an existing supplier counterparty of the buyer the customer role") {
  Market w;
  CounterpartyRecord supplier = enterprise_supplier(kBuyer);
  REQUIRE(w.must(kProducer, RegisterCounterparty{supplier}) == "cp-1");
  REQUIRE(w.must(kBuyer, order_of(10)) == "mo-1");
  auto r = w.apply(kProducer, AcceptMarketOrder{kBuyer, "mo-1", w.batch, std::nullopt, ""});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  const auto& amended = std::get<CounterpartyAmended>(r->at(0));
  CHECK(amended.counterparty_id == "cp-1");
  CHECK(amended.record.roles.customer);
  CHECK(amended.record.roles.supplier);
  CHECK(amended.record.contact_person == supplier.contact_person);  // the rest is kept
  CHECK(std::get<SalesOrderCreated>(r->at(1)).customer_id == "cp-1");
  CHECK(w.producer().counterparties.size() == 1);
}

TEST_CASE("R-4.3.1 accepting: refusals") {
  Market w;
  REQUIRE(w.must(kBuyer, order_of(20)) == "mo-1");
  auto accept = [&](std::string batch, std::optional<int64_t> price = std::nullopt) {
    return AcceptMarketOrder{kBuyer, "mo-1", std::move(batch), price, ""};
  };
  auto check = [&](const Result<std::vector<Event>>& r, ErrorCode code, const char* why, const char* field) {
    CHECK(reason(r) == why);
    CHECK(error_of(r).code == code);
    CHECK(error_of(r).field == field);
  };
  check(w.apply(kProducer, AcceptMarketOrder{kBuyer, "mo-9", w.batch, std::nullopt, ""}),
        ErrorCode::kNotFound, "market_order_not_found", "mo_id");
  check(w.apply(kProducer, AcceptMarketOrder{kStranger, "mo-1", w.batch, std::nullopt, ""}),
        ErrorCode::kNotFound, "market_order_not_found", "mo_id");
  // Another enterprise cannot answer an order that was not placed with it.
  check(w.apply(kStranger, accept("b-1")), ErrorCode::kNotFound, "market_order_not_found", "mo_id");
  check(w.apply(kProducer, accept("b-9")), ErrorCode::kNotFound, "batch_not_found", "batch_id");
  check(w.apply(kProducer, accept("")), ErrorCode::kInvalidArgument, "value_required", "batch_id");
  const std::string pieces = w.must(kProducer, CreateBatch{"菜心礼盒", "CX-2", Quantity{50, Unit::kPiece},
                                                           day("2026-11-24"), std::nullopt, "", {}});
  check(w.apply(kProducer, accept(pieces)), ErrorCode::kInvalidArgument, "unit_mismatch", "batch_id");
  const std::string small = w.must(kProducer, CreateBatch{"菜心", "CX-3", kg(19), day("2026-11-24"),
                                                          std::nullopt, "", {}});
  check(w.apply(kProducer, accept(small)), ErrorCode::kConflict, "order_exceeds_stock", "batch_id");
  check(w.apply(kProducer, accept(w.batch, -5)), ErrorCode::kInvalidArgument, "price_negative", "price_fen");
  AcceptMarketOrder long_note = accept(w.batch);
  long_note.note = std::string(kMaxNoteBytes + 1, 'x');
  check(w.apply(kProducer, long_note), ErrorCode::kInvalidArgument, "value_too_long", "note");
  const std::string recalled = w.must(kProducer, CreateBatch{"菜心", "CX-4", kg(50), day("2026-11-24"),
                                                             std::nullopt, "", {}});
  REQUIRE(w.apply(kProducer, RaiseRecall{RecallScope::kBatch, recalled, "农残超标"}).ok());
  check(w.apply(kProducer, accept(recalled)), ErrorCode::kConflict, "batch_recalled", "batch_id");
  // Stock counts what was shipped and what stocktakes adjusted: an 81 kg loss leaves 19 kg.
  w.producer().circulation.adjusted[w.batch] = -81'000;
  check(w.apply(kProducer, accept(w.batch)), ErrorCode::kConflict, "order_exceeds_stock", "batch_id");
  w.producer().circulation.adjusted.erase(w.batch);
  // Nothing of the refused commands reached the state.
  CHECK(w.producer().counterparties.empty());
  CHECK(w.producer().sales.orders.empty());
  // Accepted once: a second answer is refused.
  REQUIRE(w.apply(kProducer, accept(w.batch)).ok());
  check(w.apply(kProducer, accept(w.batch)), ErrorCode::kConflict, "market_order_not_open", "mo_id");
  check(w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-1", "缺货"}), ErrorCode::kConflict,
        "market_order_not_open", "mo_id");
}

TEST_CASE("R-4.3.1 declining needs a reason, a declined order takes no other answer") {
  Market w;
  REQUIRE(w.must(kBuyer, order_of(20)) == "mo-1");
  auto blank = w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-1", " "});
  CHECK(reason(blank) == "value_required");
  CHECK(error_of(blank).field == "reason");
  CHECK(reason(w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-1", std::string(kMaxNoteBytes + 1, 'x')})) ==
        "value_too_long");
  CHECK(reason(w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-7", "缺货"})) == "market_order_not_found");
  auto r = w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-1", "本周缺货"});
  REQUIRE(r.ok());
  CHECK(std::get<MarketOrderDeclined>(r->front()) == MarketOrderDeclined{kBuyer, "mo-1", "本周缺货"});
  CHECK(w.buyer().circulation.market_orders.at("mo-1").status == MarketOrderStatus::kDeclined);
  CHECK(reason(w.apply(kProducer, AcceptMarketOrder{kBuyer, "mo-1", w.batch, std::nullopt, ""})) ==
        "market_order_not_open");
  CHECK(reason(w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-1", "again"})) == "market_order_not_open");
  // The buyer cannot cancel an answered order.
  auto cancel = w.apply(kBuyer, CancelMarketOrder{"mo-1", ""});
  CHECK(reason(cancel) == "market_order_not_open");
  CHECK(error_of(cancel).code == ErrorCode::kConflict);
}

TEST_CASE("R-4.3.1 cancelling: only the buyer's own placed order") {
  Market w;
  REQUIRE(w.must(kBuyer, order_of(20)) == "mo-1");
  auto missing = w.apply(kBuyer, CancelMarketOrder{"mo-5", ""});
  CHECK(reason(missing) == "market_order_not_found");
  CHECK(error_of(missing).code == ErrorCode::kNotFound);
  // The producer has no such order of its own.
  CHECK(reason(w.apply(kProducer, CancelMarketOrder{"mo-1", ""})) == "market_order_not_found");
  CHECK(reason(w.apply(kBuyer, CancelMarketOrder{"mo-1", std::string(kMaxNoteBytes + 1, 'x')})) == "value_too_long");
  auto r = w.apply(kBuyer, CancelMarketOrder{"mo-1", "计划有变"});
  REQUIRE(r.ok());
  CHECK(std::get<MarketOrderCancelled>(r->front()) == MarketOrderCancelled{"mo-1", kProducer, "计划有变"});
  CHECK(w.buyer().circulation.market_orders.at("mo-1").status == MarketOrderStatus::kCancelled);
  CHECK(w.producer().circulation.incoming_orders.at(std::string(kBuyer) + "/mo-1").status ==
        MarketOrderStatus::kCancelled);
  CHECK(reason(w.apply(kBuyer, CancelMarketOrder{"mo-1", ""})) == "market_order_not_open");
  CHECK(reason(w.apply(kProducer, AcceptMarketOrder{kBuyer, "mo-1", w.batch, std::nullopt, ""})) ==
        "market_order_not_open");
  CHECK(reason(w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-1", "x"})) == "market_order_not_open");
}

namespace {

// What the market rules read of a state, comparable.
struct MarketView {
  std::map<std::string, std::tuple<std::string, std::string, int64_t, std::optional<int64_t>, int, std::string>> orders;
  std::map<std::string, std::tuple<std::string, std::string, std::string, int64_t, std::optional<int64_t>, int, std::string>> incoming;
  std::map<std::string, std::string> so_links;
  int64_t last_market_order = 0;
  bool operator==(const MarketView&) const = default;
};

MarketView view_of(const TenantState& s) {
  MarketView v;
  for (const auto& [id, o] : s.circulation.market_orders) {
    v.orders[id] = {o.producer_tenant, o.product, o.quantity.amount, o.price_fen, static_cast<int>(o.status), o.so_id};
  }
  for (const auto& [key, o] : s.circulation.incoming_orders) {
    v.incoming[key] = {o.buyer_tenant, o.buyer_name, o.product, o.quantity.amount, o.price_fen,
                       static_cast<int>(o.status), o.so_id};
  }
  for (const auto& [so, mo] : s.circulation.so_market_order) v.so_links[so] = mo;
  v.last_market_order = s.circulation.last_market_order;
  return v;
}

// Folds each tenant's events in its own order, the tenants one after the other in `order`, as a
// rebuild from a ledger with one partition per tenant may.
WriteModel fold(const std::map<std::string, std::vector<Event>>& log,
                const std::vector<std::string>& order) {
  WriteModel states;
  for (const std::string& tenant : order) {
    for (const Event& e : log.at(tenant)) states.apply(tenant, e);
  }
  return states;
}

// Folds the two tenants' events interleaved one by one, starting with `first`.
WriteModel zip(const std::map<std::string, std::vector<Event>>& log, const std::string& first,
               const std::string& second) {
  WriteModel states;
  const auto& a = log.at(first);
  const auto& b = log.at(second);
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    for (const auto* side : {&first, &second}) {
      const auto& events = *side == first ? a : b;
      if (i >= events.size()) continue;
      states.apply(*side, events[i]);
    }
  }
  return states;
}

}  // namespace

TEST_CASE("R-4.3.1 evolve and evolve_across: the same states whatever order the two sides' events are folded in") {
  Market w;
  REQUIRE(w.must(kBuyer, order_of(20)) == "mo-1");
  REQUIRE(w.must(kBuyer, order_of(10)) == "mo-2");
  REQUIRE(w.must(kBuyer, order_of(5)) == "mo-3");
  REQUIRE(w.apply(kProducer, AcceptMarketOrder{kBuyer, "mo-1", w.batch, std::nullopt, ""}).ok());
  REQUIRE(w.apply(kProducer, DeclineMarketOrder{kBuyer, "mo-2", "缺货"}).ok());
  REQUIRE(w.apply(kBuyer, CancelMarketOrder{"mo-3", ""}).ok());
  // A cancellation that crossed the producer's acceptance (two writers, scale-out): the answer
  // stands on both sides.
  w.log[kBuyer].push_back(MarketOrderCancelled{"mo-1", kProducer, "crossed"});

  const std::vector<std::string> buyer_first{kStranger, kBuyer, kProducer};
  const std::vector<std::string> producer_first{kStranger, kProducer, kBuyer};
  auto a = fold(w.log, buyer_first);
  auto b = fold(w.log, producer_first);
  auto c = zip(w.log, kBuyer, kProducer);
  auto d = zip(w.log, kProducer, kBuyer);
  for (const char* tenant : {kBuyer, kProducer}) {
    CAPTURE(tenant);
    CHECK(view_of(a[tenant]) == view_of(b[tenant]));
    CHECK(view_of(a[tenant]) == view_of(c[tenant]));
    CHECK(view_of(a[tenant]) == view_of(d[tenant]));
  }
  const std::string key = std::string(kBuyer) + "/";
  for (auto* states : {&a, &b, &c, &d}) {
    TenantState& buyer = (*states)[kBuyer];
    TenantState& producer = (*states)[kProducer];
    CHECK(buyer.circulation.market_orders.at("mo-1").status == MarketOrderStatus::kAccepted);
    CHECK(buyer.circulation.market_orders.at("mo-1").so_id == "so-1");
    CHECK(buyer.circulation.market_orders.at("mo-1").producer_tenant == kProducer);
    CHECK(buyer.circulation.market_orders.at("mo-2").status == MarketOrderStatus::kDeclined);
    CHECK(buyer.circulation.market_orders.at("mo-3").status == MarketOrderStatus::kCancelled);
    CHECK(producer.circulation.incoming_orders.at(key + "mo-1").status == MarketOrderStatus::kAccepted);
    CHECK(producer.circulation.incoming_orders.at(key + "mo-1").quantity == kg(20));
    CHECK(producer.circulation.incoming_orders.at(key + "mo-2").status == MarketOrderStatus::kDeclined);
    CHECK(producer.circulation.incoming_orders.at(key + "mo-3").status == MarketOrderStatus::kCancelled);
    CHECK(buyer.circulation.last_market_order == 3);
  }
  // The live write model agrees with every rebuild.
  CHECK(view_of(w.buyer()) == view_of(a[kBuyer]));
  CHECK(view_of(w.producer()).incoming == view_of(a[kProducer]).incoming);
}

}  // namespace agritrace::core
