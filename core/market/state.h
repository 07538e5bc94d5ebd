// Write-model state of production–marketing docking: both sides of a market order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/quantity.h"

namespace agritrace::core {

enum class MarketOrderStatus : uint8_t { kPlaced, kAccepted, kDeclined, kCancelled };
std::string_view market_order_status_name(MarketOrderStatus s);

// The buyer's side of a market order.
struct MarketOrderState {
  std::string producer_tenant;
  std::string product;
  Quantity quantity;
  std::optional<int64_t> price_fen;
  MarketOrderStatus status = MarketOrderStatus::kPlaced;
  std::string so_id;
};

// The producer's side of a market order, keyed "buyer/mo-N".
struct IncomingMarketOrder {
  std::string buyer_tenant;
  std::string buyer_name;
  std::string buyer_region;
  std::string mo_id;
  std::string product;
  Quantity quantity;
  std::optional<int64_t> price_fen;
  MarketOrderStatus status = MarketOrderStatus::kPlaced;
  std::string so_id;
};

}  // namespace agritrace::core
