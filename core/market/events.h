// Events of production–marketing docking: market orders between a buyer and a
// producer registered on the platform. Each struct is one catalogue type (kType).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/quantity.h"

namespace agritrace::core {

// the buyer (this tenant) orders goods from a producer registered on the platform.
struct MarketOrderPlaced {
  static constexpr std::string_view kType = "market_order.placed";
  std::string mo_id;  // "mo-N", numbered by the buyer
  std::string producer_tenant;
  std::string producer_name;
  std::string product;
  std::string product_id;  // catalogue product, may be empty
  Quantity quantity;
  std::optional<int64_t> price_fen;  // total offered, in fen
  std::optional<Date> wanted_by;
  std::string note;
  std::string buyer_name;
  std::string buyer_region;
  bool operator==(const MarketOrderPlaced&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("mo_id", &MarketOrderPlaced::mo_id),
      describe::field("producer_tenant", &MarketOrderPlaced::producer_tenant),
      describe::field("producer_name", &MarketOrderPlaced::producer_name),
      describe::field("product", &MarketOrderPlaced::product),
      describe::field("product_id", &MarketOrderPlaced::product_id),
      describe::field("quantity", &MarketOrderPlaced::quantity),
      describe::field("price_fen", &MarketOrderPlaced::price_fen, describe::kNullWhenAbsent),
      describe::field("wanted_by", &MarketOrderPlaced::wanted_by, describe::kNullWhenAbsent),
      describe::field("note", &MarketOrderPlaced::note),
      describe::field("buyer_name", &MarketOrderPlaced::buyer_name),
      describe::field("buyer_region", &MarketOrderPlaced::buyer_region));
};

// the buyer withdraws an order the producer has not answered yet.
struct MarketOrderCancelled {
  static constexpr std::string_view kType = "market_order.cancelled";
  std::string mo_id;
  std::string producer_tenant;
  std::string reason;
  bool operator==(const MarketOrderCancelled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("mo_id", &MarketOrderCancelled::mo_id),
      describe::field("producer_tenant", &MarketOrderCancelled::producer_tenant),
      describe::field("reason", &MarketOrderCancelled::reason));
};

// R-4.3.1 (producer's partition): accepted; the producer's sales order `so_id` fulfils it and is
// shipped with the production end's shipping.
struct MarketOrderAccepted {
  static constexpr std::string_view kType = "market_order.accepted";
  std::string buyer_tenant;
  std::string mo_id;
  std::string so_id;
  std::string batch_id;
  bool operator==(const MarketOrderAccepted&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("buyer_tenant", &MarketOrderAccepted::buyer_tenant),
      describe::field("mo_id", &MarketOrderAccepted::mo_id),
      describe::field("so_id", &MarketOrderAccepted::so_id),
      describe::field("batch_id", &MarketOrderAccepted::batch_id));
};

struct MarketOrderDeclined {
  static constexpr std::string_view kType = "market_order.declined";
  std::string buyer_tenant;
  std::string mo_id;
  std::string reason;
  bool operator==(const MarketOrderDeclined&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("buyer_tenant", &MarketOrderDeclined::buyer_tenant),
      describe::field("mo_id", &MarketOrderDeclined::mo_id),
      describe::field("reason", &MarketOrderDeclined::reason));
};

}  // namespace agritrace::core
