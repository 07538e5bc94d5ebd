#include "core/finance/events.h"

namespace agritrace::core {

std::string_view finance_direction_name(FinanceDirection d) {
  return d == FinanceDirection::kIncome ? "income" : "expense";
}

Result<FinanceDirection> parse_finance_direction(std::string_view name, std::string_view field) {
  for (FinanceDirection d : {FinanceDirection::kIncome, FinanceDirection::kExpense}) {
    if (finance_direction_name(d) == name) return d;
  }
  return make_error(ErrorCode::kInvalidArgument, "direction_unknown",
                    "direction is income or expense", std::string(field));
}

}  // namespace agritrace::core
