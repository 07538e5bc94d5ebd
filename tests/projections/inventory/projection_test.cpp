// The inventory and income/expense read models, fed with events directly:
// movements in the tenant's event order with the document behind each, stock sums, stocktakes,
// finance entries and the statement's reconciliation with priced shipments and receipts.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <memory>
#include <vector>

#include "core/domain/event.h"
#include "projections/finance/projection.h"
#include "projections/finance/queries.h"
#include "projections/inventory/projection.h"
#include "projections/inventory/queries.h"
#include "projections/production/projection.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::projections {
namespace {

using testing::Reply;

constexpr const char* kA = "91441900MA51ABCD7J";
constexpr const char* kB = "91440101MA59XYW12B";

core::Date day(const char* text) { return *core::parse_date(text, "test"); }
core::Quantity pieces(int64_t n) { return core::Quantity{n, core::Unit::kPiece}; }
core::Quantity grams(int64_t n) { return core::Quantity{n, core::Unit::kGram}; }

// A view store fed by the production, inventory and finance projections, one event per batch,
// each tenant's events numbered 1, 2, 3... as the ledger does.
struct Views {
  testing::TempDir dir;
  std::unique_ptr<ViewStore> store;
  std::vector<std::unique_ptr<Projection>> projections;
  std::map<std::string, int64_t> seq;

  Views() {
    auto s = ViewStore::open(dir.path() + "/views");
    REQUIRE(s.ok());
    store = std::move(s).value();
    projections.push_back(make_production_projection());
    projections.push_back(make_inventory_projection());
    projections.push_back(make_finance_projection());
  }

  // Returns the event's tenant sequence number.
  int64_t feed(const std::string& tenant, const core::Event& event) {
    events::StoredEvent se;
    se.envelope.tenant = tenant;
    se.envelope.tenant_seq = ++seq[tenant];
    se.envelope.id = fmt::format("{:032x}", static_cast<uint64_t>(se.envelope.tenant_seq));
    se.envelope.type = std::string(core::event_type(event));
    se.envelope.occurred_at_ms = 1'795'622'341'123 + se.envelope.tenant_seq;  // 2026-11-25 Beijing
    ViewBatch b(*store);
    for (auto& p : projections) REQUIRE(p->apply(se, event, b).ok());
    REQUIRE(store->commit(b, {}).ok());
    return se.envelope.tenant_seq;
  }

  Reply answer(const Result<std::string>& r) const {
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    return Reply{200, *r, {}};
  }
};

bool boolean(const Reply& r, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(!parser.parse(r.body).get(doc));
  bool v = false;
  INFO(r.body);
  REQUIRE(!doc.at_pointer(pointer).get_bool().get(v));
  return v;
}

bool is_null(const Reply& r, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(!parser.parse(r.body).get(doc));
  simdjson::dom::element e;
  REQUIRE(!doc.at_pointer(pointer).get(e));
  return e.is_null();
}

core::CounterpartyRegistered supplier(const std::string& id) {
  core::CounterpartyRegistered e;
  e.counterparty_id = id;
  e.record.kind = core::CounterpartyKind::kEnterprise;
  e.record.roles.supplier = true;
  e.record.name = "博罗县绿源农业有限公司";
  e.record.uscc = "91441322MA4UHK1P0J";
  return e;
}

core::BatchCreated batch(const std::string& id, int64_t n) {
  return core::BatchCreated{id, "荔枝干", "L-" + id, pieces(n), day("2026-11-20"), std::nullopt, "", {}};
}

core::ShipmentRecorded shipment(const std::string& id, const std::string& item, core::Quantity q,
                                const char* date, std::optional<int64_t> price) {
  core::ShipmentRecorded e;
  e.shipment_id = id;
  e.so_id = "so-1";
  e.batch_id = item;
  e.quantity = q;
  e.ship_date = day(date);
  e.price_fen = price;
  return e;
}

core::GoodsReceived receipt(const std::string& id, const std::string& lot, core::Quantity q, const char* date,
                            std::optional<int64_t> price) {
  core::GoodsReceived e;
  e.receipt_id = id;
  e.lot_id = lot;
  e.source = core::ReceiptSource::kManual;
  e.received_on = day(date);
  e.supplier_id = "cp-1";
  e.supplier_name = "王五";
  e.product = "菜心";
  e.lot_code = "FARM-7";
  e.production_date = day("2026-11-19");
  e.quantity = q;
  e.price_fen = price;
  return e;
}

core::FinanceEntryRecorded posting(const std::string& id, core::FinanceDirection d, int64_t fen,
                                   std::string_view category, const std::string& document, const char* date,
                                   bool automatic) {
  core::FinanceEntryRecorded e;
  e.entry_id = id;
  e.direction = d;
  e.amount_fen = fen;
  e.category = std::string(category);
  e.document = document;
  e.date = day(date);
  e.automatic = automatic;
  return e;
}

}  // namespace

TEST_CASE("R-4.3.5 inventory view: stock per item and movements in event order with their documents") {
  Views v;
  v.feed(kA, supplier("cp-1"));
  const int64_t produced = v.feed(kA, batch("b-1", 100));
  v.feed(kB, batch("b-1", 7));  // another enterprise's b-1 never mixes in
  v.feed(kA, core::PurchaseOrderReceived{"po-1", "lot-1", grams(500'000), day("2026-11-21"), "菜心", "cp-1",
                                         "HZ-1", day("2026-11-01"), day("2026-12-31")});
  for (int i = 0; i < 6; ++i) v.feed(kA, supplier("cp-" + std::to_string(i + 2)));  // seq past 9
  v.feed(kA, core::BatchMaterialConsumed{"b-1", "lot-1", grams(200'000)});
  const int64_t shipped = v.feed(kA, shipment("sh-1", "b-1", pieces(30), "2026-11-23", 9000));
  v.feed(kA, receipt("rcv-1", "lot-2", grams(20'000), "2026-11-22", 5000));
  v.feed(kA, shipment("sh-2", "lot-2", grams(5'000), "2026-11-24", std::nullopt));  // a lot ships too
  core::StocktakeRecorded st{"st-1", day("2026-11-24"), "月末盘点",
                             {{"b-1", pieces(70), pieces(68), "两箱破损"}, {"lot-1", grams(300'000), grams(300'000), ""}}};
  v.feed(kA, st);
  v.feed(kA, core::StockAdjusted{"b-1", pieces(-2), "两箱破损", "st-1"});
  v.feed(kA, core::BatchAmended{"b-1", "荔枝干（特级）", pieces(110), day("2026-11-20"), std::nullopt, ""});

  InventoryQueries q(*v.store);
  Reply b1 = v.answer(q.item(kA, "b-1"));
  CHECK(b1.str("/kind") == "batch");
  CHECK(b1.str("/product") == "荔枝干（特级）");
  CHECK(b1.str("/lot_code") == "L-b-1");
  CHECK(b1.num("/stock/amount") == 100 - 30 - 2 + 10);
  CHECK(b1.str("/stock/unit") == "piece");
  CHECK(boolean(b1, "/in_stock"));

  Reply m = v.answer(q.movements(kA, "b-1", Page{}));
  REQUIRE(m.size("/items") == 4);
  CHECK(m.num("/stock/amount") == 78);
  CHECK(m.str("/items/0/kind") == "produced");
  CHECK(m.num("/items/0/seq") == produced);
  CHECK(m.num("/items/0/quantity/amount") == 100);
  CHECK(m.str("/items/0/date") == "2026-11-20");
  CHECK(m.str("/items/0/document/type") == "batch");
  CHECK(m.str("/items/0/document/id") == "b-1");
  CHECK(m.str("/items/1/kind") == "shipped");  // seq 11 after seq 2: numeric, not text order
  CHECK(m.num("/items/1/seq") == shipped);
  CHECK(m.num("/items/1/quantity/amount") == -30);
  CHECK(m.str("/items/1/date") == "2026-11-23");
  CHECK(m.str("/items/1/document/type") == "shipment");
  CHECK(m.str("/items/1/document/id") == "sh-1");
  CHECK(m.str("/items/1/event_id").size() == 32);
  CHECK(m.str("/items/2/kind") == "adjusted");
  CHECK(m.num("/items/2/quantity/amount") == -2);
  CHECK(m.str("/items/2/date") == "2026-11-24");  // the stocktake's date
  CHECK(m.str("/items/2/document/type") == "stocktake");
  CHECK(m.str("/items/2/document/id") == "st-1");
  CHECK(m.str("/items/2/reason") == "两箱破损");
  CHECK(m.str("/items/3/kind") == "amended");
  CHECK(m.num("/items/3/quantity/amount") == 10);  // 100 -> 110
  CHECK(is_null(m, "/next_after"));

  // Paged: two movements, then the rest after the last seq.
  Reply p1 = v.answer(q.movements(kA, "b-1", Page{2, ""}));
  REQUIRE(p1.size("/items") == 2);
  const std::string next = p1.str("/next_after");
  CHECK(next == std::to_string(shipped));
  Reply p2 = v.answer(q.movements(kA, "b-1", Page{2, next}));
  REQUIRE(p2.size("/items") == 2);
  CHECK(p2.str("/items/0/kind") == "adjusted");
  CHECK(is_null(p2, "/next_after"));

  Reply lot1 = v.answer(q.item(kA, "lot-1"));
  CHECK(lot1.str("/kind") == "lot");
  CHECK(lot1.str("/source") == "purchase");
  CHECK(lot1.str("/supplier_id") == "cp-1");
  CHECK(lot1.str("/supplier_name") == "博罗县绿源农业有限公司");
  CHECK(lot1.num("/stock/amount") == 300'000);
  Reply lm = v.answer(q.movements(kA, "lot-1", Page{}));
  REQUIRE(lm.size("/items") == 2);
  CHECK(lm.str("/items/0/kind") == "purchased");
  CHECK(lm.str("/items/0/document/type") == "purchase_order");
  CHECK(lm.str("/items/0/document/id") == "po-1");
  CHECK(lm.str("/items/0/date") == "2026-11-21");
  CHECK(lm.str("/items/1/kind") == "consumed");
  CHECK(lm.num("/items/1/quantity/amount") == -200'000);
  CHECK(lm.str("/items/1/document/type") == "batch");
  CHECK(lm.str("/items/1/document/id") == "b-1");
  CHECK(lm.str("/items/1/date") == "2026-11-25");  // the day it was recorded (Beijing)

  Reply lot2 = v.answer(q.movements(kA, "lot-2", Page{}));
  CHECK(lot2.num("/stock/amount") == 15'000);
  REQUIRE(lot2.size("/items") == 2);
  CHECK(lot2.str("/items/0/kind") == "received");
  CHECK(lot2.str("/items/0/document/type") == "receipt");
  CHECK(lot2.str("/items/0/document/id") == "rcv-1");
  CHECK(lot2.str("/items/1/kind") == "shipped");
  CHECK(lot2.str("/items/1/document/id") == "sh-2");
  CHECK(v.answer(q.item(kA, "lot-2")).str("/supplier_name") == "王五");

  // Lists: filters and pages; the other enterprise sees only its own b-1.
  Reply all = v.answer(q.items(kA, {}, Page{}));
  REQUIRE(all.size("/items") == 3);
  CHECK(all.str("/items/0/item_id") == "b-1");
  CHECK(all.str("/items/2/item_id") == "lot-2");
  Reply first = v.answer(q.items(kA, {}, Page{1, ""}));
  CHECK(first.str("/next_after") == "b-1");
  CHECK(v.answer(q.items(kA, {}, Page{1, "b-1"})).str("/items/0/item_id") == "lot-1");
  CHECK(v.answer(q.items(kA, {std::nullopt, "菜心"}, Page{})).size("/items") == 2);
  CHECK(v.answer(q.items(kA, {std::nullopt, "荔枝干"}, Page{})).size("/items") == 0);  // renamed
  CHECK(v.answer(q.items(kA, {std::nullopt, "荔枝干（特级）"}, Page{})).size("/items") == 1);
  CHECK(v.answer(q.items(kA, {false, ""}, Page{})).size("/items") == 0);
  Reply other = v.answer(q.items(kB, {}, Page{}));
  REQUIRE(other.size("/items") == 1);
  CHECK(other.num("/items/0/stock/amount") == 7);
  CHECK(q.item(kB, "lot-1").status().error().reason == "item_not_found");
  CHECK(q.movements(kB, "lot-1", Page{}).error().code == ErrorCode::kNotFound);

  // Stocktakes: record and list.
  Reply s = v.answer(q.stocktake(kA, "st-1"));
  CHECK(s.str("/taken_on") == "2026-11-24");
  REQUIRE(s.size("/lines") == 2);
  CHECK(s.num("/lines/0/expected/amount") == 70);
  CHECK(s.num("/lines/0/counted/amount") == 68);
  CHECK(s.num("/lines/0/variance/amount") == -2);
  Reply sl = v.answer(q.stocktakes(kA, Page{}));
  REQUIRE(sl.size("/items") == 1);
  CHECK(sl.num("/items/0/variance_count") == 1);
  CHECK(sl.num("/items/0/line_count") == 2);
  CHECK(q.stocktake(kB, "st-1").error().reason == "stocktake_not_found");

  // A stocktake down to zero empties the item.
  v.feed(kA, core::StocktakeRecorded{"st-2", day("2026-11-25"), "", {{"lot-2", grams(15'000), grams(0), "霉变"}}});
  v.feed(kA, core::StockAdjusted{"lot-2", grams(-15'000), "霉变", "st-2"});
  Reply empty = v.answer(q.items(kA, {false, ""}, Page{}));
  REQUIRE(empty.size("/items") == 1);
  CHECK(empty.str("/items/0/item_id") == "lot-2");
  CHECK(v.answer(q.items(kA, {true, ""}, Page{})).size("/items") == 2);
}

TEST_CASE("R-4.3.6 statement: totals by category, reconciled with priced shipments and receipts") {
  Views v;
  using core::FinanceDirection;
  v.feed(kA, shipment("sh-1", "b-1", pieces(30), "2026-11-20", 9000));
  v.feed(kA, posting("fe-1", FinanceDirection::kIncome, 9000, core::kSalesCategory, "shipment:sh-1", "2026-11-20", true));
  v.feed(kA, receipt("rcv-1", "lot-2", grams(20'000), "2026-11-21", 5000));
  v.feed(kA, posting("fe-2", FinanceDirection::kExpense, 5000, core::kPurchasesCategory, "receipt:rcv-1", "2026-11-21", true));
  v.feed(kA, posting("fe-3", FinanceDirection::kExpense, 1200, "运输费", "发票 44000123", "2026-11-22", false));
  v.feed(kA, posting("fe-4", FinanceDirection::kIncome, 300, "补贴", "", "2026-10-05", false));
  v.feed(kA, posting("fe-5", FinanceDirection::kExpense, 800, "运输费", "", "2026-11-20", false));
  v.feed(kA, shipment("sh-0", "b-1", pieces(1), "2026-11-21", std::nullopt));  // no price: nothing to post
  v.feed(kB, posting("fe-1", FinanceDirection::kIncome, 777, "补贴", "", "2026-11-20", false));

  FinanceQueries q(*v.store);
  Reply s = v.answer(q.statement(kA, day("2026-11-01"), day("2026-11-30")));
  CHECK(s.str("/from") == "2026-11-01");
  CHECK(s.num("/income_fen") == 9000);
  CHECK(s.num("/expense_fen") == 5000 + 1200 + 800);
  CHECK(s.num("/net_fen") == 9000 - 7000);
  REQUIRE(s.size("/by_category") == 3);
  CHECK(s.str("/by_category/0/direction") == "expense");
  CHECK(s.str("/by_category/0/category") == "purchases");
  CHECK(s.str("/by_category/1/category") == "运输费");
  CHECK(s.num("/by_category/1/amount_fen") == 2000);
  CHECK(s.num("/by_category/1/entries") == 2);
  CHECK(s.str("/by_category/2/category") == "sales");
  CHECK(s.num("/reconciliation/sales/shipments_fen") == 9000);
  CHECK(s.num("/reconciliation/sales/posted_fen") == 9000);
  CHECK(s.num("/reconciliation/sales/difference_fen") == 0);
  CHECK(boolean(s, "/reconciliation/sales/reconciled"));
  CHECK(s.num("/reconciliation/purchases/receipts_fen") == 5000);
  CHECK(boolean(s, "/reconciliation/purchases/reconciled"));

  // A priced shipment without its posting: the statement does not reconcile and names it.
  v.feed(kA, shipment("sh-2", "b-1", pieces(10), "2026-11-25", 4000));
  Reply bad = v.answer(q.statement(kA, day("2026-11-01"), day("2026-11-30")));
  CHECK_FALSE(boolean(bad, "/reconciliation/sales/reconciled"));
  CHECK(bad.num("/reconciliation/sales/shipments_fen") == 13000);
  CHECK(bad.num("/reconciliation/sales/posted_fen") == 9000);
  CHECK(bad.num("/reconciliation/sales/difference_fen") == 4000);
  REQUIRE(bad.size("/reconciliation/sales/unmatched") == 1);
  CHECK(bad.str("/reconciliation/sales/unmatched/0/document") == "shipment:sh-2");
  CHECK(bad.str("/reconciliation/sales/unmatched/0/date") == "2026-11-25");
  CHECK(bad.num("/reconciliation/sales/unmatched/0/price_fen") == 4000);
  CHECK(bad.num("/reconciliation/sales/unmatched/0/posted_fen") == 0);
  CHECK(boolean(bad, "/reconciliation/purchases/reconciled"));
  CHECK(bad.num("/income_fen") == 9000);  // entries only: a missing posting is not invented
  // The same for a priced receipt without its posting.
  v.feed(kA, receipt("rcv-2", "lot-3", grams(1'000), "2026-11-26", 650));
  Reply bad2 = v.answer(q.statement(kA, day("2026-11-01"), day("2026-11-30")));
  CHECK_FALSE(boolean(bad2, "/reconciliation/purchases/reconciled"));
  CHECK(bad2.num("/reconciliation/purchases/difference_fen") == 650);
  CHECK(bad2.str("/reconciliation/purchases/unmatched/0/document") == "receipt:rcv-2");
  // Posted late (a later event of the same day): reconciled again.
  v.feed(kA, posting("fe-6", FinanceDirection::kIncome, 4000, core::kSalesCategory, "shipment:sh-2", "2026-11-25", true));
  CHECK(boolean(v.answer(q.statement(kA, day("2026-11-01"), day("2026-11-30"))), "/reconciliation/sales/reconciled"));

  // Periods: October alone; a long period read in one pass gives the same sums.
  Reply oct = v.answer(q.statement(kA, day("2026-10-01"), day("2026-10-31")));
  CHECK(oct.num("/income_fen") == 300);
  CHECK(oct.num("/expense_fen") == 0);
  CHECK(boolean(oct, "/reconciliation/sales/reconciled"));
  Reply decade = v.answer(q.statement(kA, day("2020-01-01"), day("2030-12-31")));
  CHECK(decade.num("/income_fen") == 9000 + 300 + 4000);
  CHECK(decade.num("/reconciliation/sales/shipments_fen") == 13000);
  CHECK(q.statement(kA, day("2026-11-30"), day("2026-11-01")).error().reason == "period_invalid");
  CHECK(v.answer(q.statement(kB, day("2026-11-01"), day("2026-11-30"))).num("/income_fen") == 777);

  // Entries by date then id, filtered and paged.
  Reply all = v.answer(q.entries(kA, {}, Page{}));
  REQUIRE(all.size("/items") == 6);
  CHECK(all.str("/items/0/entry_id") == "fe-4");  // 2026-10-05
  CHECK(all.str("/items/1/entry_id") == "fe-1");  // 2026-11-20, before fe-5 of the same day
  CHECK(all.str("/items/2/entry_id") == "fe-5");
  CHECK(boolean(all, "/items/1/automatic"));
  CHECK(all.str("/items/1/document") == "shipment:sh-1");
  FinanceFilter nov;
  nov.from = day("2026-11-01");
  nov.to = day("2026-11-30");
  nov.direction = FinanceDirection::kExpense;
  Reply exp = v.answer(q.entries(kA, nov, Page{}));
  REQUIRE(exp.size("/items") == 3);
  nov.category = "运输费";
  Reply freight = v.answer(q.entries(kA, nov, Page{1, ""}));
  REQUIRE(freight.size("/items") == 1);
  CHECK(freight.str("/items/0/entry_id") == "fe-5");
  CHECK(freight.str("/next_after") == "fe-5");
  Reply freight2 = v.answer(q.entries(kA, nov, Page{1, "fe-5"}));
  REQUIRE(freight2.size("/items") == 1);
  CHECK(freight2.str("/items/0/entry_id") == "fe-3");
  CHECK(is_null(freight2, "/next_after"));
  CHECK(q.entries(kA, {}, Page{1, "fe-99"}).error().reason == "after_id_invalid");
}

}  // namespace agritrace::projections

namespace agritrace::projections {

TEST_CASE("R-4.3.6 statement: a priced purchase-order receipt reconciles with its purchases expense") {
  Views v;
  using core::FinanceDirection;
  core::PurchaseOrderReceived po{"po-1", "lot-1", grams(400'000), day("2026-11-21"), "菜心", "cp-1",
                                 "HZ-1", day("2026-11-01"), day("2026-12-31")};
  po.price_fen = 120'000;
  v.feed(kA, po);
  FinanceQueries q(*v.store);
  Reply missing = v.answer(q.statement(kA, day("2026-11-01"), day("2026-11-30")));
  CHECK_FALSE(boolean(missing, "/reconciliation/purchases/reconciled"));
  CHECK(missing.num("/reconciliation/purchases/receipts_fen") == 120'000);
  CHECK(missing.str("/reconciliation/purchases/unmatched/0/document") == "purchase_order:po-1");
  v.feed(kA, posting("fe-1", FinanceDirection::kExpense, 120'000, core::kPurchasesCategory, "purchase_order:po-1",
                     "2026-11-21", true));
  Reply ok = v.answer(q.statement(kA, day("2026-11-01"), day("2026-11-30")));
  CHECK(boolean(ok, "/reconciliation/purchases/reconciled"));
  CHECK(ok.num("/expense_fen") == 120'000);
  CHECK(ok.size("/reconciliation/purchases/unmatched") == 0);
}

}  // namespace agritrace::projections
