#include "core/market/model.h"

namespace agritrace::core {

std::string_view receipt_source_name(ReceiptSource source) {
  return source == ReceiptSource::kScan ? "scan" : "manual";
}

Result<ReceiptSource> parse_receipt_source(std::string_view name, std::string_view field) {
  for (ReceiptSource s : {ReceiptSource::kScan, ReceiptSource::kManual}) {
    if (receipt_source_name(s) == name) return s;
  }
  return make_error(ErrorCode::kInvalidArgument, "receipt_source_unknown",
                    "source is scan or manual", std::string(field));
}

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

std::string_view market_order_status_name(MarketOrderStatus s) {
  switch (s) {
    case MarketOrderStatus::kPlaced: return "placed";
    case MarketOrderStatus::kAccepted: return "accepted";
    case MarketOrderStatus::kDeclined: return "declined";
    case MarketOrderStatus::kCancelled: return "cancelled";
  }
  return "placed";
}

}  // namespace agritrace::core
