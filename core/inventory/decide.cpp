// stocktakes and income and expense entered by hand (core/domain/across.h).
// Stock of an item comes from find_stock_item (stock.cpp): a count sets it to what was counted
// through StockAdjusted events, so stock never goes negative (counts are >= 0).
#include <set>

#include "core/base/rule_errors.h"
#include "core/domain/decide.h"
#include "core/inventory/rules.h"
#include "core/inventory/stock.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;

// A stocktake counts at most this many items (one event; ~200 bytes a line).
constexpr size_t kMaxStocktakeLines = 1000;
// The reasons and note of one stocktake together: keeps its event far below the ledger's 1 MB
// message limit (the API's 64 KiB body limit is lower still).
constexpr size_t kMaxStocktakeTextBytes = 256 * 1024;

std::string count_field(size_t i, std::string_view leaf) {
  return "counts[" + std::to_string(i) + "]." + std::string(leaf);
}

Error too_long(std::string_view field, size_t max_bytes) {
  return invalid("value_too_long", std::string(field) + " exceeds " + std::to_string(max_bytes) + " bytes",
                 std::string(field));
}

}  // namespace

// counted quantities, expected = the stock the rules hold, and one adjustment per line
// with a variance (counted - expected, with the reason given for it).
Result<std::vector<Event>> decide(const TenantState& s, const RecordStocktake& c,
                                              const Context& ctx) {
  if (c.counts.empty()) {
    return invalid("counts_required", "a stocktake counts at least one item", "counts");
  }
  if (c.counts.size() > kMaxStocktakeLines) {
    return invalid("too_many_items",
                   "a stocktake counts at most " + std::to_string(kMaxStocktakeLines) + " items", "counts");
  }
  const Date taken_on = c.taken_on.value_or(ctx.today);
  if (taken_on > ctx.today) {
    return invalid("taken_on_in_future", "the stocktake date is after today", "taken_on");
  }
  if (c.note.size() > kMaxNoteBytes) return too_long("note", kMaxNoteBytes);

  StocktakeRecorded recorded;
  recorded.stocktake_id = next_id("st-", s.circulation.last_stocktake);
  recorded.taken_on = taken_on;
  recorded.note = c.note;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < c.counts.size(); ++i) {
    const StocktakeCount& count = c.counts[i];
    auto item = find_stock_item(s, count.item_id, count_field(i, "item_id"));
    if (!item.ok()) return item.error();
    if (!seen.insert(count.item_id).second) {
      return invalid("item_duplicate", "item " + count.item_id + " is counted twice in this stocktake",
                     count_field(i, "item_id"));
    }
    if (count.counted.amount < 0) {
      return invalid("quantity_negative", "a counted quantity is zero or more: stock never goes negative",
                     count_field(i, "counted.amount"));
    }
    if (count.counted.unit != item->stock.unit) {
      return invalid("unit_mismatch",
                     "item " + count.item_id + " is counted in " + std::string(unit_name(item->stock.unit)),
                     count_field(i, "counted.unit"));
    }
    if (count.reason.size() > kMaxNoteBytes) return too_long(count_field(i, "reason"), kMaxNoteBytes);
    if (count.counted.amount != item->stock.amount && is_blank(count.reason)) {
      return invalid("reason_required",
                     "item " + count.item_id + " has " + to_string(item->stock) + " in stock, counted " +
                         to_string(count.counted) + ": give the reason for the difference",
                     count_field(i, "reason"));
    }
    recorded.lines.push_back(StocktakeLine{count.item_id, item->stock, count.counted, count.reason});
  }

  size_t text_bytes = recorded.note.size();
  for (const StocktakeLine& line : recorded.lines) text_bytes += line.reason.size();
  if (text_bytes > kMaxStocktakeTextBytes) {
    return invalid("stocktake_too_large",
                   "the reasons and note of one stocktake exceed " + std::to_string(kMaxStocktakeTextBytes) +
                       " bytes; split it",
                   "counts");
  }

  Events events;
  std::vector<StockAdjusted> adjustments;
  for (const StocktakeLine& line : recorded.lines) {
    if (line.counted.amount == line.expected.amount) continue;
    adjustments.push_back(StockAdjusted{line.item_id,
                                        Quantity{line.counted.amount - line.expected.amount, line.counted.unit},
                                        line.reason, recorded.stocktake_id});
  }
  events.push_back(std::move(recorded));
  for (StockAdjusted& a : adjustments) events.push_back(std::move(a));
  return events;
}

}  // namespace agritrace::core
