// Events of income and expense.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/status.h"

namespace agritrace::core {

enum class FinanceDirection : uint8_t { kIncome, kExpense };
std::string_view finance_direction_name(FinanceDirection d);  // "income" | "expense"
Result<FinanceDirection> parse_finance_direction(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<FinanceDirection>
    : describe::EnumTextOf<FinanceDirection, finance_direction_name, parse_finance_direction> {};

// Categories posted automatically; refused for entries by hand so statements reconcile.
inline constexpr std::string_view kSalesCategory = "sales";
inline constexpr std::string_view kPurchasesCategory = "purchases";

// one income or expense item. Shipments with a price post "sales" income, receipts with
// a price post "purchases" expense (automatic = true); others are entered by hand.
struct FinanceEntryRecorded {
  static constexpr std::string_view kType = "finance.entry_recorded";
  std::string entry_id;  // "fe-N"
  FinanceDirection direction = FinanceDirection::kIncome;
  int64_t amount_fen = 0;  // > 0
  std::string category;
  std::string counterparty_id;  // may be empty
  std::string counterparty_name;
  std::string document;  // "shipment:sh-3", "receipt:rcv-2", "document:<sha256>" or free reference
  Date date;
  std::string note;
  bool automatic = false;
  bool operator==(const FinanceEntryRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("entry_id", &FinanceEntryRecorded::entry_id),
      describe::field("direction", &FinanceEntryRecorded::direction),
      describe::field("amount_fen", &FinanceEntryRecorded::amount_fen),
      describe::field("category", &FinanceEntryRecorded::category),
      describe::field("counterparty_id", &FinanceEntryRecorded::counterparty_id),
      describe::field("counterparty_name", &FinanceEntryRecorded::counterparty_name),
      describe::field("document", &FinanceEntryRecorded::document),
      describe::field("date", &FinanceEntryRecorded::date),
      describe::field("note", &FinanceEntryRecorded::note),
      describe::field("automatic", &FinanceEntryRecorded::automatic));
};

}  // namespace agritrace::core
