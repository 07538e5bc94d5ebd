// The fold of the market order events into the buyer's write model; the
// producer's side arrives through evolve_across (core/domain/across.cpp).
#include "core/market/rules.h"

#include "core/base/rule_errors.h"

namespace agritrace::core {

void evolve(TenantState& s, const MarketOrderPlaced& e) {
  observe_id(s.circulation.last_market_order, e.mo_id, "mo-");
  MarketOrderState& mo = s.circulation.market_orders[e.mo_id];
  mo.producer_tenant = e.producer_tenant;
  mo.product = e.product;
  mo.quantity = e.quantity;
  mo.price_fen = e.price_fen;
  // The producer's answer may have been folded first (another partition): keep it.
}

void evolve(TenantState& s, const MarketOrderCancelled& e) {
  auto& mo = s.circulation.market_orders[e.mo_id];
  if (mo.status == MarketOrderStatus::kPlaced) mo.status = MarketOrderStatus::kCancelled;
}

void evolve(TenantState& s, const MarketOrderAccepted& e) {
  IncomingMarketOrder& in = s.circulation.incoming_orders[e.buyer_tenant + "/" + e.mo_id];
  in.buyer_tenant = e.buyer_tenant;
  in.mo_id = e.mo_id;
  in.status = MarketOrderStatus::kAccepted;
  in.so_id = e.so_id;
  s.circulation.so_market_order[e.so_id] = e.buyer_tenant + "/" + e.mo_id;
}

void evolve(TenantState& s, const MarketOrderDeclined& e) {
  IncomingMarketOrder& in = s.circulation.incoming_orders[e.buyer_tenant + "/" + e.mo_id];
  in.buyer_tenant = e.buyer_tenant;
  in.mo_id = e.mo_id;
  in.status = MarketOrderStatus::kDeclined;
}

}  // namespace agritrace::core
