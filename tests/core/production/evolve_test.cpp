#include <algorithm>
#include <doctest/doctest.h>

#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core {
using namespace testing;  // NOLINT: test file

TEST_CASE("evolve folds events into the tenant state") {
  TenantState s;
  evolve(s, EnterpriseRegistered{kTenant, "罗浮山食品", "广东省惠州市博罗县", "key-1",
                                 std::string(64, 'a')});
  CHECK(s.registered);
  CHECK(s.enterprise_id == kTenant);
  evolve(s, CounterpartyRegistered{"cp-1", enterprise_supplier()});
  CHECK(s.counterparty_by_uscc.at(kSupplierUscc) == "cp-1");
  evolve(s, PurchaseOrderCreated{"po-1", "荔枝", "cp-1", Quantity{5000, Unit::kGram}, "S1",
                                 day("2026-11-01"), day("2026-12-01"), ""});
  CHECK(s.purchase_orders.at("po-1").status == PurchaseOrderStatus::kOpen);
  evolve(s, PurchaseOrderReceived{"po-1", "lot-1", Quantity{4000, Unit::kGram}, day("2026-11-02"),
                                  "荔枝", "cp-1", "S1", day("2026-11-01"), day("2026-12-01")});
  CHECK(s.purchase_orders.at("po-1").status == PurchaseOrderStatus::kReceived);
  CHECK(s.purchase_orders.at("po-1").lot_id == "lot-1");
  CHECK(s.lots.at("lot-1").received == Quantity{4000, Unit::kGram});
  evolve(s, BatchCreated{"b-1", "荔枝干", "L1", Quantity{10, Unit::kPiece}, day("2026-11-03"),
                         std::nullopt, ""});
  CHECK(s.batch_by_lot_code.at("L1") == "b-1");
  evolve(s, BatchMaterialConsumed{"b-1", "lot-1", Quantity{1500, Unit::kGram}});
  CHECK(s.lots.at("lot-1").remaining_amount() == 2500);
  evolve(s, BatchDocumentAttached{"b-1", std::string(64, 'c'), DocumentKind::kOther, "a.pdf",
                                  "application/pdf", 10});
  CHECK(s.batches.at("b-1").document_sha256s.count(std::string(64, 'c')) == 1);
  evolve(s, PurchaseOrderCreated{"po-2", "荔枝", "cp-1", Quantity{5000, Unit::kGram}, "S1",
                                 day("2026-11-01"), day("2026-12-01"), ""});
  evolve(s, PurchaseOrderCancelled{"po-2", "no"});
  CHECK(s.purchase_orders.at("po-2").status == PurchaseOrderStatus::kCancelled);
  CHECK(s.counters.counterparty == 1);
  CHECK(s.counters.purchase_order == 2);
  CHECK(s.counters.lot == 1);
  CHECK(s.counters.batch == 1);
}

TEST_CASE("evolve is total: events about unknown entities change nothing") {
  TenantState s;
  evolve(s, CounterpartyAmended{"cp-5", enterprise_supplier()});
  evolve(s, PurchaseOrderAmended{"po-5", "x", Quantity{1, Unit::kGram}, "", day("2026-01-01"),
                                 day("2026-01-02"), ""});
  evolve(s, PurchaseOrderCancelled{"po-5", ""});
  evolve(s, BatchAmended{"b-5", "x", Quantity{1, Unit::kPiece}, day("2026-01-01"), std::nullopt,
                         ""});
  evolve(s, BatchMaterialConsumed{"b-5", "lot-5", Quantity{1, Unit::kGram}});
  evolve(s, BatchDocumentAttached{"b-5", std::string(64, 'c'), DocumentKind::kOther, "a", "a/b", 1});
  CHECK(s.counterparties.empty());
  CHECK(s.purchase_orders.empty());
  CHECK(s.batches.empty());
  CHECK(s.lots.empty());
}

TEST_CASE("evolve keeps id counters at the highest id seen") {
  TenantState s;
  evolve(s, BatchCreated{"b-7", "x", "L7", Quantity{1, Unit::kPiece}, day("2026-01-01"),
                         std::nullopt, ""});
  evolve(s, BatchCreated{"b-3", "x", "L3", Quantity{1, Unit::kPiece}, day("2026-01-01"),
                         std::nullopt, ""});
  CHECK(s.counters.batch == 7);
  evolve(s, BatchCreated{"imported", "x", "L8", Quantity{1, Unit::kPiece}, day("2026-01-01"),
                         std::nullopt, ""});
  CHECK(s.counters.batch == 8);
}

TEST_CASE("evolve re-indexes an amended counterparty") {
  TenantState s;
  evolve(s, CounterpartyRegistered{"cp-1", individual_supplier()});
  CHECK(s.counterparty_by_id_number.count(kFarmerId) == 1);
  evolve(s, CounterpartyAmended{"cp-1", individual_supplier("11010519491231002X")});
  CHECK(s.counterparty_by_id_number.count(kFarmerId) == 0);
  CHECK(s.counterparty_by_id_number.at("11010519491231002X") == "cp-1");
}

TEST_CASE("replaying the events of decide rebuilds the same state") {
  Harness h;
  h.register_enterprise();
  std::vector<Event> log;
  auto record = [&](const Command& c) {
    auto events = h.apply(c);
    REQUIRE(events.ok());
    log.insert(log.end(), events->begin(), events->end());
  };
  log.push_back(EnterpriseRegistered{kTenant, "惠州市罗浮山食品有限公司", "广东省惠州市博罗县",
                                     "key-1", std::string(64, 'a')});
  record(RegisterCounterparty{enterprise_supplier()});
  record(CreatePurchaseOrder{"荔枝", "cp-1", Quantity{9000, Unit::kGram}, "S", day("2026-11-01"),
                             day("2026-12-01"), ""});
  record(ReceivePurchaseOrder{"po-1", Quantity{9000, Unit::kGram}, day("2026-11-25")});
  record(CreateBatch{"荔枝干", "L1", Quantity{3, Unit::kPiece}, day("2026-11-25"), std::nullopt, ""});
  record(ConsumeMaterial{"b-1", "lot-1", Quantity{2000, Unit::kGram}});
  TenantState replayed;
  for (const Event& e : log) evolve(replayed, e);
  CHECK(replayed.lots.at("lot-1").remaining_amount() == h.state.lots.at("lot-1").remaining_amount());
  CHECK(replayed.counters.lot == h.state.counters.lot);
  CHECK(std::equal(replayed.batch_by_lot_code.begin(), replayed.batch_by_lot_code.end(),
                   h.state.batch_by_lot_code.begin(), h.state.batch_by_lot_code.end()));
  CHECK(replayed.counterparty_by_uscc == h.state.counterparty_by_uscc);
}

}  // namespace agritrace::core
