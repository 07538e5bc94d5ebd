// Queries over the market read model (projections/market/projection.h), R-4.3.1: the buyer's market orders
// and the orders placed with a producer. The status of an order is derived here from the facts of
// both sides: "accepted" or "declined" once the producer answered, else "cancelled" once the
// buyer withdrew it, else "placed" — whatever order the facts reached the views in.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

class MarketQueries {
 public:
  explicit MarketQueries(const ViewStore& views) : views_(views) {}

  // The buyer's orders, oldest first (mo-1, mo-2, ...), paged by mo id; each with its status.
  Result<std::string> orders(std::string_view buyer, const Page& page) const;
  // One order of the buyer: status, the producer's sales order, shipments against it, receipts.
  Result<std::string> order(std::string_view buyer, std::string_view mo_id) const;

  // Orders placed with the producer, in placement order, paged by "buyer_tenant/mo-N";
  // `status` ("" = all) keeps only orders in that status.
  Result<std::string> incoming_orders(std::string_view producer, const Page& page,
                                      std::string_view status) const;
  // One order placed with the producer: status, its sales order and the shipments it made.
  Result<std::string> incoming_order(std::string_view producer, std::string_view buyer,
                                     std::string_view mo_id) const;

 private:
  const ViewStore& views_;
};

// "placed" | "accepted" | "declined" | "cancelled", else 422 status_invalid (field `status`).
Status check_market_order_status(std::string_view status);

}  // namespace agritrace::projections
