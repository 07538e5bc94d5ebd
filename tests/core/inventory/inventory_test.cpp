// Pure rules of stocktakes and income and expense entered by hand, and the
// stock checks of the other rules that take goods out of stock.
#include <doctest/doctest.h>

#include "core/domain/across.h"
#include "core/inventory/stock.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core {
using namespace testing;  // NOLINT: test file

namespace {

Quantity pieces(int64_t n) { return Quantity{n, Unit::kPiece}; }
Quantity grams(int64_t n) { return Quantity{n, Unit::kGram}; }

std::string field(const Result<std::vector<Event>>& r) { return r.ok() ? "" : r.error().field; }
std::optional<ErrorCode> code(const Result<std::vector<Event>>& r) {
  return r.ok() ? std::nullopt : std::optional<ErrorCode>(r.error().code);
}

int64_t stock_of(const TenantState& s, const std::string& item) {
  auto i = find_stock_item(s, item, "item_id");
  REQUIRE(i.ok());
  return i->stock.amount;
}

// A registered enterprise with a supplier, lot-1 (500 kg purchased) and batch b-1 (10 pieces).
struct Store : Harness {
  std::string supplier, lot, batch;
  Store() {
    register_enterprise();
    supplier = must(RegisterCounterparty{enterprise_supplier()});
    const std::string po = must(CreatePurchaseOrder{"菜心", supplier, grams(500'000), "HZ-1", day("2026-11-01"),
                                                    day("2026-12-31"), ""});
    auto received = apply(ReceivePurchaseOrder{po, grams(500'000), day("2026-11-20")});
    REQUIRE(received.ok());
    lot = std::get<PurchaseOrderReceived>(received->front()).lot_id;
    batch = must(CreateBatch{"荔枝干", "L1", pieces(10), day("2026-11-20"), std::nullopt, "", {}});
  }
  // A shipment's effect on the write model, as the shipping rules would append it.
  void ship(const std::string& item, Quantity q) {
    ShipmentRecorded e;
    e.shipment_id = "sh-" + std::to_string(++shipments);
    e.batch_id = item;
    e.quantity = q;
    e.ship_date = day("2026-11-24");
    evolve(state, e);
  }
  int shipments = 0;
};

RecordStocktake count(std::vector<StocktakeCount> counts, std::optional<Date> taken_on = std::nullopt) {
  RecordStocktake c;
  c.taken_on = taken_on;
  c.counts = std::move(counts);
  return c;
}

RecordFinanceEntry entry(FinanceDirection d, int64_t fen, std::string category) {
  RecordFinanceEntry c;
  c.direction = d;
  c.amount_fen = fen;
  c.category = std::move(category);
  return c;
}

}  // namespace

TEST_CASE("R-4.3.5 a stocktake records expected and counted, and adjusts each variance with its reason") {
  Store h;
  h.ship(h.batch, pieces(3));  // stock of b-1: 7
  auto r = h.apply(count({{h.batch, pieces(5), "两箱破损报废"}, {h.lot, grams(500'000), ""}}));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);  // the recorded stocktake and one adjustment (the lot matched)
  const auto& st = std::get<StocktakeRecorded>(r->at(0));
  CHECK(st.stocktake_id == "st-1");
  CHECK(st.taken_on == h.ctx.today);
  REQUIRE(st.lines.size() == 2);
  CHECK(st.lines[0].item_id == h.batch);
  CHECK(st.lines[0].expected == pieces(7));
  CHECK(st.lines[0].counted == pieces(5));
  CHECK(st.lines[0].reason == "两箱破损报废");
  CHECK(st.lines[1].expected == grams(500'000));
  const auto& adj = std::get<StockAdjusted>(r->at(1));
  CHECK(adj.item_id == h.batch);
  CHECK(adj.delta == pieces(-2));
  CHECK(adj.reason == "两箱破损报废");
  CHECK(adj.stocktake_id == "st-1");
  CHECK(stock_of(h.state, h.batch) == 5);  // stock = counted
  CHECK(h.state.circulation.adjusted.at(h.batch) == -2);

  // Found more than expected, and down to zero: both allowed; the next id is st-2.
  auto r2 = h.apply(count({{h.batch, pieces(6), "盘盈：漏记一箱"}, {h.lot, grams(0), "全部损耗"}},
                          day("2026-11-24")));
  REQUIRE(r2.ok());
  REQUIRE(r2->size() == 3);
  CHECK(std::get<StocktakeRecorded>(r2->at(0)).stocktake_id == "st-2");
  CHECK(std::get<StocktakeRecorded>(r2->at(0)).taken_on == day("2026-11-24"));
  CHECK(std::get<StockAdjusted>(r2->at(1)).delta == pieces(1));
  CHECK(std::get<StockAdjusted>(r2->at(2)).delta == grams(-500'000));
  CHECK(stock_of(h.state, h.batch) == 6);
  CHECK(stock_of(h.state, h.lot) == 0);

  // No variance: no adjustment and no reason needed.
  auto r3 = h.apply(count({{h.batch, pieces(6), ""}}));
  REQUIRE(r3.ok());
  CHECK(r3->size() == 1);
}

TEST_CASE("R-4.3.5 stocktake refusals name the count's field") {
  Store h;
  auto none = h.apply(count({}));
  CHECK(reason(none) == "counts_required");
  CHECK(field(none) == "counts");
  std::vector<StocktakeCount> many(1001, StocktakeCount{h.batch, pieces(10), ""});
  auto too_many = h.apply(count(many));
  CHECK(reason(too_many) == "too_many_items");
  CHECK(code(too_many) == ErrorCode::kInvalidArgument);

  auto unknown = h.apply(count({{h.batch, pieces(10), ""}, {"lot-99", grams(1), "x"}}));
  CHECK(reason(unknown) == "item_not_found");
  CHECK(code(unknown) == ErrorCode::kNotFound);
  CHECK(field(unknown) == "counts[1].item_id");

  auto twice = h.apply(count({{h.batch, pieces(10), ""}, {h.lot, grams(500'000), ""}, {h.batch, pieces(9), "x"}}));
  CHECK(reason(twice) == "item_duplicate");
  CHECK(code(twice) == ErrorCode::kInvalidArgument);
  CHECK(field(twice) == "counts[2].item_id");

  auto unit = h.apply(count({{h.lot, pieces(3), "x"}}));
  CHECK(reason(unit) == "unit_mismatch");
  CHECK(field(unit) == "counts[0].counted.unit");

  auto negative = h.apply(count({{h.lot, grams(500'000), ""}, {h.batch, pieces(-1), "被盗"}}));
  CHECK(reason(negative) == "quantity_negative");
  CHECK(code(negative) == ErrorCode::kInvalidArgument);
  CHECK(field(negative) == "counts[1].counted.amount");

  auto no_reason = h.apply(count({{h.batch, pieces(9), " \t"}}));
  CHECK(reason(no_reason) == "reason_required");
  CHECK(field(no_reason) == "counts[0].reason");
  CHECK(reason(h.apply(count({{h.batch, pieces(9), std::string(kMaxNoteBytes + 1, 'x')}}))) == "value_too_long");

  std::vector<StocktakeCount> wordy;
  for (int i = 0; i < 200; ++i) {
    const std::string id = h.must(CreateBatch{"荔枝干", std::string("W").append(std::to_string(i)), pieces(1), day("2026-11-20"),
                                              std::nullopt, "", {}});
    wordy.push_back(StocktakeCount{id, pieces(0), std::string(kMaxNoteBytes, 'r')});
  }
  auto large = h.apply(count(wordy));
  CHECK(reason(large) == "stocktake_too_large");
  CHECK(field(large) == "counts");

  auto future = h.apply(count({{h.batch, pieces(10), ""}}, day("2026-11-26")));
  CHECK(reason(future) == "taken_on_in_future");
  CHECK(field(future) == "taken_on");
  RecordStocktake long_note = count({{h.batch, pieces(10), ""}});
  long_note.note = std::string(kMaxNoteBytes + 1, 'x');
  CHECK(field(h.apply(long_note)) == "note");

  // Nothing was recorded by any refusal.
  CHECK(h.state.circulation.last_stocktake == 0);
  CHECK(h.state.circulation.adjusted.empty());
}

TEST_CASE("R-4.3.5 consumption and batch amendments honour stocktake adjustments: stock never goes negative") {
  Store h;
  REQUIRE(h.apply(count({{h.lot, grams(100'000), "水分损耗"}, {h.batch, pieces(4), "破损"}})).ok());
  // The lot holds 100 kg now, not the 500 kg received.
  auto over = h.apply(ConsumeMaterial{h.batch, h.lot, grams(100'001)});
  CHECK(reason(over) == "lot_over_consumed");
  CHECK(field(over) == "quantity.amount");
  REQUIRE(h.apply(ConsumeMaterial{h.batch, h.lot, grams(100'000)}).ok());
  CHECK(stock_of(h.state, h.lot) == 0);
  // A shipped lot: what left is not there to consume.
  Store g;
  g.ship(g.lot, grams(450'000));
  CHECK(reason(g.apply(ConsumeMaterial{g.batch, g.lot, grams(60'000)})) == "lot_over_consumed");
  CHECK(g.apply(ConsumeMaterial{g.batch, g.lot, grams(50'000)}).ok());

  // b-1: made 10, adjusted -6 (stock 4), shipped 1 (stock 3): it cannot be amended below 7.
  h.ship(h.batch, pieces(1));
  auto below = h.apply(AmendBatch{h.batch, "荔枝干", pieces(6), day("2026-11-20"), std::nullopt, ""});
  CHECK(reason(below) == "stock_would_be_negative");
  CHECK(code(below) == ErrorCode::kConflict);
  CHECK(field(below) == "quantity.amount");
  REQUIRE(h.apply(AmendBatch{h.batch, "荔枝干", pieces(7), day("2026-11-20"), std::nullopt, ""}).ok());
  CHECK(stock_of(h.state, h.batch) == 0);
  auto unit = h.apply(AmendBatch{h.batch, "荔枝干", grams(7000), day("2026-11-20"), std::nullopt, ""});
  CHECK(reason(unit) == "unit_change_after_movement");
  CHECK(field(unit) == "quantity.unit");
  // A batch nothing left from may still change its unit.
  const std::string b2 = h.must(CreateBatch{"荔枝干", "L2", pieces(10), day("2026-11-20"), std::nullopt, "", {}});
  CHECK(h.apply(AmendBatch{b2, "荔枝干", grams(5000), day("2026-11-20"), std::nullopt, ""}).ok());
}

TEST_CASE("R-4.3.6 an income or expense entered by hand") {
  Store h;
  RecordFinanceEntry c = entry(FinanceDirection::kExpense, 35'000, "运输费");
  c.counterparty_id = h.supplier;
  c.document = "发票 No.44000123";
  c.note = "11 月冷链运输";
  auto r = h.apply(c);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  const auto& e = std::get<FinanceEntryRecorded>(r->front());
  CHECK(e.entry_id == "fe-1");
  CHECK(e.direction == FinanceDirection::kExpense);
  CHECK(e.amount_fen == 35'000);
  CHECK(e.category == "运输费");
  CHECK(e.counterparty_id == h.supplier);
  CHECK(e.counterparty_name == "博罗县绿源农业有限公司");  // copied from the counterparty
  CHECK(e.document == "发票 No.44000123");
  CHECK(e.date == h.ctx.today);  // default
  CHECK(e.note == "11 月冷链运输");
  CHECK_FALSE(e.automatic);
  RecordFinanceEntry income = entry(FinanceDirection::kIncome, 1, "政府补贴");
  income.date = day("2026-11-01");
  auto r2 = h.apply(income);
  REQUIRE(r2.ok());
  CHECK(std::get<FinanceEntryRecorded>(r2->front()).entry_id == "fe-2");
  CHECK(std::get<FinanceEntryRecorded>(r2->front()).date == day("2026-11-01"));
  CHECK(std::get<FinanceEntryRecorded>(r2->front()).counterparty_name.empty());
}

TEST_CASE("R-4.3.6 finance entry refusals, sales and purchases are posted automatically only") {
  Store h;
  auto zero = h.apply(entry(FinanceDirection::kIncome, 0, "补贴"));
  CHECK(reason(zero) == "amount_not_positive");
  CHECK(field(zero) == "amount_fen");
  CHECK(reason(h.apply(entry(FinanceDirection::kIncome, -5, "补贴"))) == "amount_not_positive");
  auto blank = h.apply(entry(FinanceDirection::kIncome, 5, "  "));
  CHECK(reason(blank) == "value_required");
  CHECK(field(blank) == "category");
  CHECK(reason(h.apply(entry(FinanceDirection::kIncome, 5, std::string(65, 'x')))) == "value_too_long");
  CHECK(h.apply(entry(FinanceDirection::kIncome, 5, std::string(64, 'x'))).ok());
  for (const char* reserved : {"sales", "purchases", " Sales", "PURCHASES "}) {
    CAPTURE(reserved);
    auto r = h.apply(entry(FinanceDirection::kExpense, 5, reserved));
    CHECK(reason(r) == "category_reserved");
    CHECK(code(r) == ErrorCode::kInvalidArgument);
    CHECK(field(r) == "category");
  }
  CHECK(reason(h.apply(entry(FinanceDirection::kExpense, 5, "a\x1f" "b"))) == "category_invalid");
  RecordFinanceEntry cp = entry(FinanceDirection::kExpense, 5, "租金");
  cp.counterparty_id = "cp-99";
  auto missing = h.apply(cp);
  CHECK(reason(missing) == "counterparty_not_found");
  CHECK(code(missing) == ErrorCode::kNotFound);
  CHECK(field(missing) == "counterparty_id");
  RecordFinanceEntry doc = entry(FinanceDirection::kExpense, 5, "租金");
  doc.document = std::string(257, 'd');
  CHECK(field(h.apply(doc)) == "document");
  RecordFinanceEntry future = entry(FinanceDirection::kExpense, 5, "租金");
  future.date = day("2026-11-26");
  CHECK(reason(h.apply(future)) == "date_in_future");
  CHECK(field(h.apply(future)) == "date");
  RecordFinanceEntry note = entry(FinanceDirection::kExpense, 5, "租金");
  note.note = std::string(kMaxNoteBytes + 1, 'n');
  CHECK(field(h.apply(note)) == "note");
  CHECK(h.state.circulation.last_finance_entry == 1);  // only the 64-byte category was accepted
}

}  // namespace agritrace::core
