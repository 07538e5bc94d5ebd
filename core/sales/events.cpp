#include "core/sales/events.h"

namespace agritrace::core {

std::string_view sales_order_status_name(SalesOrderStatus status) {
  switch (status) {
    case SalesOrderStatus::kOpen: return "open";
    case SalesOrderStatus::kPartiallyShipped: return "partially_shipped";
    case SalesOrderStatus::kShipped: return "shipped";
    case SalesOrderStatus::kCancelled: return "cancelled";
  }
  return "open";
}

Result<SalesOrderStatus> parse_sales_order_status(std::string_view name, std::string_view field) {
  for (SalesOrderStatus s : {SalesOrderStatus::kOpen, SalesOrderStatus::kPartiallyShipped,
                             SalesOrderStatus::kShipped, SalesOrderStatus::kCancelled}) {
    if (sales_order_status_name(s) == name) return s;
  }
  return make_error(ErrorCode::kInvalidArgument, "sales_order_status_unknown",
                    "status is open, partially_shipped, shipped or cancelled", std::string(field));
}

std::string_view recall_scope_name(RecallScope scope) {
  switch (scope) {
    case RecallScope::kLot: return "lot";
    case RecallScope::kBatch: return "batch";
    case RecallScope::kCode: return "code";
  }
  return "batch";
}

Result<RecallScope> parse_recall_scope(std::string_view name, std::string_view field) {
  for (RecallScope s : {RecallScope::kLot, RecallScope::kBatch, RecallScope::kCode}) {
    if (recall_scope_name(s) == name) return s;
  }
  return make_error(ErrorCode::kInvalidArgument, "recall_scope_unknown", "scope is lot, batch or code",
                    std::string(field));
}

}  // namespace agritrace::core
