// income and expense entered by hand (core/finance/rules.h).
#include "core/finance/rules.h"

#include <string>

#include "core/base/rule_errors.h"
#include "core/domain/decide.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;

constexpr size_t kMaxCategoryBytes = 64;
constexpr size_t kMaxDocumentBytes = 256;

Error too_long(std::string_view field, size_t max_bytes) {
  return invalid("value_too_long", std::string(field) + " exceeds " + std::to_string(max_bytes) + " bytes",
                 std::string(field));
}

// "Sales ", "PURCHASES": the reserved categories whatever their case or surrounding blanks.
bool is_reserved_category(std::string_view category) {
  const size_t first = category.find_first_not_of(" \t\r\n");
  const size_t last = category.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  std::string folded(category.substr(first, last - first + 1));
  for (char& ch : folded) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return folded == kSalesCategory || folded == kPurchasesCategory;
}

}  // namespace

// an income or expense item entered by hand. Sales and purchases post automatically
// from shipments and receipts, so their categories are refused here: the statement can then
// reconcile them with the goods that moved.
Result<std::vector<Event>> decide(const TenantState& s, const RecordFinanceEntry& c,
                                              const Context& ctx) {
  if (c.direction != FinanceDirection::kIncome && c.direction != FinanceDirection::kExpense) {
    return invalid("direction_unknown", "direction is income or expense", "direction");
  }
  if (c.amount_fen <= 0) {
    return invalid("amount_not_positive", "the amount in fen must be positive", "amount_fen");
  }
  if (is_blank(c.category)) return invalid("value_required", "category is required", "category");
  if (c.category.size() > kMaxCategoryBytes) return too_long("category", kMaxCategoryBytes);
  for (char ch : c.category) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return invalid("category_invalid", "a category has no control characters", "category");
    }
  }
  if (is_reserved_category(c.category)) {
    return invalid("category_reserved",
                   "the categories sales and purchases are posted automatically from shipments and "
                   "receipts; use another category",
                   "category");
  }
  FinanceEntryRecorded e;
  if (!c.counterparty_id.empty()) {
    auto cp = s.counterparties.find(c.counterparty_id);
    if (cp == s.counterparties.end()) {
      return not_found("counterparty_not_found", "no counterparty " + c.counterparty_id, "counterparty_id");
    }
    e.counterparty_id = c.counterparty_id;
    e.counterparty_name = cp->second.name;
  }
  if (c.document.size() > kMaxDocumentBytes) return too_long("document", kMaxDocumentBytes);
  const Date date = c.date.value_or(ctx.today);
  if (date > ctx.today) return invalid("date_in_future", "the entry's date is after today", "date");
  if (c.note.size() > kMaxNoteBytes) return too_long("note", kMaxNoteBytes);
  e.entry_id = next_id("fe-", s.circulation.last_finance_entry);
  e.direction = c.direction;
  e.amount_fen = c.amount_fen;
  e.category = c.category;
  e.document = c.document;
  e.date = date;
  e.note = c.note;
  e.automatic = false;
  Events events;
  events.push_back(std::move(e));
  return events;
}

}  // namespace agritrace::core
