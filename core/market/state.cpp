#include "core/market/state.h"

namespace agritrace::core {

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
