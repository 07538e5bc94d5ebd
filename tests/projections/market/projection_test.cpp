// The market read model (R-4.3.1) is the same whatever order the buyer's and the producer's
// events reach the views in (they live in different ledger partitions), and its queries derive
// each order's status from the facts of both sides.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "core/base/civil_time.h"
#include "events/envelope/envelope.h"
#include "projections/base/view_store.h"
#include "projections/market/queries.h"
#include "projections/production/projection.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kBuyer = "92441322MA51AB2C36";
constexpr const char* kProducer = "91350100M000100Y43";
constexpr const char* kStranger = "91441322MA4UHK1P0J";

struct Stamped {
  std::string tenant;
  int64_t at_ms;
  core::Event event;
};

core::Quantity kg(int64_t n) { return core::Quantity{n * 1000, core::Unit::kGram}; }
core::Date day(const char* s) { return *core::parse_date(s, "test"); }

std::vector<Stamped> buyer_events() {
  core::MarketOrderPlaced p1{"mo-1", kProducer, "惠州市罗浮山食品有限公司", "菜心", "veg-caixin", kg(20),
                             50'000, day("2026-11-30"), "", "广州市江南果菜批发有限公司", "广东省广州市"};
  core::MarketOrderPlaced p2 = p1;
  p2.mo_id = "mo-2";
  p2.quantity = kg(5);
  core::MarketOrderPlaced p3 = p1;
  p3.mo_id = "mo-3";
  core::GoodsReceived rcv;
  rcv.receipt_id = "rcv-1";
  rcv.lot_id = "lot-1";
  rcv.received_on = day("2026-11-26");
  rcv.from_tenant = kProducer;
  rcv.shipment_id = "sh-1";
  rcv.mo_id = "mo-1";
  rcv.product = "菜心";
  rcv.quantity = kg(8);
  return {
      {kBuyer, 1'000, core::EnterpriseRegistered{kBuyer, "广州市江南果菜批发有限公司", "广东省广州市", "k", std::string(64, 'a')}},
      {kBuyer, 2'000, p1},
      {kBuyer, 3'000, p2},
      {kBuyer, 4'000, p3},
      // Crossed the producer's decline of mo-2: the answer stands.
      {kBuyer, 5'000, core::MarketOrderCancelled{"mo-2", kProducer, "计划有变"}},
      {kBuyer, 6'000, core::MarketOrderCancelled{"mo-3", kProducer, ""}},
      {kBuyer, 9'000, rcv},
  };
}

std::vector<Stamped> producer_events() {
  core::SalesOrderCreated so{"so-1", "cp-1", "b-1", "菜心", kg(20), day("2026-11-24"), std::nullopt, 50'000, ""};
  so.mo_buyer_tenant = kBuyer;
  so.mo_id = "mo-1";
  core::ShipmentRecorded sh1;  // without the market order's fields: linked through the sales order
  sh1.shipment_id = "sh-1";
  sh1.so_id = "so-1";
  sh1.batch_id = "b-1";
  sh1.lot_code = "CX-1";
  sh1.product = "菜心";
  sh1.ship_date = day("2026-11-25");
  sh1.ship_to_id = "cp-1";
  sh1.ship_to_uscc = kBuyer;
  sh1.ship_to_tenant = kBuyer;
  sh1.quantity = kg(8);
  sh1.quantity_per_code = 2000;
  sh1.serials = {"S1", "S2", "S3", "S4"};
  core::ShipmentRecorded sh2 = sh1;  // with them
  sh2.shipment_id = "sh-2";
  sh2.serials = {"S5"};
  sh2.quantity = kg(2);
  sh2.mo_buyer_tenant = kBuyer;
  sh2.mo_id = "mo-1";
  return {
      {kProducer, 1'500, core::EnterpriseRegistered{kProducer, "惠州市罗浮山食品有限公司", "广东省惠州市", "k", std::string(64, 'b')}},
      {kProducer, 4'500, so},
      {kProducer, 4'500, core::MarketOrderAccepted{kBuyer, "mo-1", "so-1", "b-1"}},
      {kProducer, 4'600, core::MarketOrderDeclined{kBuyer, "mo-2", "本周缺货"}},
      {kProducer, 7'000, sh1},
      {kProducer, 8'000, sh2},
  };
}

// Applies the events, one view batch each, to a fresh view store.
std::unique_ptr<projections::ViewStore> project(const std::string& path, const std::vector<Stamped>& events) {
  auto views = projections::ViewStore::open(path);
  REQUIRE(views.ok());
  auto all = projections::make_all_projections();
  int64_t offset = 0;
  for (const Stamped& s : events) {
    events::StoredEvent se;
    se.position = events::Position{0, offset++};
    se.envelope.tenant = s.tenant;
    se.envelope.occurred_at_ms = s.at_ms;
    se.envelope.recorded_at_ms = s.at_ms;
    se.envelope.type = std::string(core::event_type(s.event));
    se.envelope.id = "ev-" + std::to_string(s.at_ms) + "-" + se.envelope.type;
    projections::ViewBatch batch(**views);
    for (auto& p : all) REQUIRE(p->apply(se, s.event, batch).ok());
    REQUIRE((*views)->commit(batch, {}).ok());
  }
  return std::move(views).value();
}

std::vector<Stamped> concat(std::vector<Stamped> a, const std::vector<Stamped>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<Stamped> interleave(const std::vector<Stamped>& a, const std::vector<Stamped>& b) {
  std::vector<Stamped> out;
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    if (i < a.size()) out.push_back(a[i]);
    if (i < b.size()) out.push_back(b[i]);
  }
  return out;
}

bool has(const std::string& json, const std::string& part) { return json.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("R-4.3.1 market views: identical however the buyer's and the producer's events interleave") {
  TempDir dir;
  const auto buyer = buyer_events();
  const auto producer = producer_events();
  auto a = project(dir.path() + "/a", concat(buyer, producer));
  auto b = project(dir.path() + "/b", concat(producer, buyer));
  auto c = project(dir.path() + "/c", interleave(buyer, producer));
  auto d = project(dir.path() + "/d", interleave(producer, buyer));
  CHECK(a->digest() == b->digest());
  CHECK(a->digest() == c->digest());
  CHECK(a->digest() == d->digest());

  for (auto* views : {a.get(), b.get(), c.get(), d.get()}) {
    projections::MarketQueries q(*views);
    auto mo1 = q.order(kBuyer, "mo-1");
    REQUIRE(mo1.ok());
    CHECK(has(*mo1, R"("status":"accepted","so_id":"so-1","batch_id":"b-1")"));
    CHECK(has(*mo1, R"("sales_order":{"so_id":"so-1","status":"open","shipped_quantity":{"amount":10000,"unit":"g"}})"));
    CHECK(has(*mo1, R"("shipped_quantity":{"amount":10000,"unit":"g"})"));
    CHECK(has(*mo1, R"("shipment_id":"sh-1")"));
    CHECK(has(*mo1, R"("shipment_id":"sh-2")"));
    CHECK(has(*mo1, R"("receipt_id":"rcv-1")"));
    CHECK(has(*mo1, R"("received_quantity":{"amount":8000,"unit":"g"})"));
    auto mo2 = q.order(kBuyer, "mo-2");
    REQUIRE(mo2.ok());
    CHECK(has(*mo2, R"("status":"declined","decline_reason":"本周缺货")"));
    CHECK_FALSE(has(*mo2, "cancel_reason"));
    CHECK(has(*mo2, R"("sales_order":null)"));
    auto mo3 = q.order(kBuyer, "mo-3");
    REQUIRE(mo3.ok());
    CHECK(has(*mo3, R"("status":"cancelled","cancel_reason":"")"));

    auto list = q.orders(kBuyer, projections::Page{});
    REQUIRE(list.ok());
    CHECK(has(*list, R"("mo_id":"mo-1")"));
    CHECK(list->find(R"("mo_id":"mo-1")") < list->find(R"("mo_id":"mo-2")"));

    // The producer's inbox, in placement order; filtered and paged.
    auto inbox = q.incoming_orders(kProducer, projections::Page{}, "");
    REQUIRE(inbox.ok());
    CHECK(inbox->find(R"("mo_id":"mo-1")") < inbox->find(R"("mo_id":"mo-2")"));
    CHECK(inbox->find(R"("mo_id":"mo-2")") < inbox->find(R"("mo_id":"mo-3")"));
    CHECK(has(*inbox, R"("next_after":null)"));
    auto declined = q.incoming_orders(kProducer, projections::Page{}, "declined");
    REQUIRE(declined.ok());
    CHECK(has(*declined, R"("mo_id":"mo-2")"));
    CHECK_FALSE(has(*declined, R"("mo_id":"mo-1")"));
    auto first = q.incoming_orders(kProducer, projections::Page{1, ""}, "");
    REQUIRE(first.ok());
    CHECK(has(*first, std::string(R"("next_after":")") + kBuyer + "/mo-1\""));
    auto second = q.incoming_orders(kProducer, projections::Page{1, std::string(kBuyer) + "/mo-1"}, "");
    REQUIRE(second.ok());
    CHECK(has(*second, R"("mo_id":"mo-2")"));
    CHECK_FALSE(has(*second, R"("mo_id":"mo-1")"));
    CHECK(q.incoming_orders(kProducer, projections::Page{1, "nope"}, "").error().reason == "after_id_invalid");
    auto one = q.incoming_order(kProducer, kBuyer, "mo-1");
    REQUIRE(one.ok());
    CHECK(has(*one, R"("buyer_name":"广州市江南果菜批发有限公司")"));
    CHECK(has(*one, R"("status":"accepted")"));
    CHECK(has(*one, R"("shipment_id":"sh-2")"));
    CHECK_FALSE(has(*one, "receipt_id"));  // the buyer's receipts stay the buyer's

    // Tenant isolation: nobody else sees these orders.
    CHECK(q.order(kStranger, "mo-1").error().reason == "market_order_not_found");
    CHECK(q.order(kProducer, "mo-1").error().reason == "market_order_not_found");
    CHECK(q.incoming_order(kStranger, kBuyer, "mo-1").error().reason == "market_order_not_found");
    CHECK(q.incoming_order(kBuyer, kBuyer, "mo-1").error().reason == "market_order_not_found");
    CHECK(has(*q.incoming_orders(kStranger, projections::Page{}, ""), R"("items":[])"));
  }
}

}  // namespace agritrace::testing
