// Folding of the circulation events into the write model of another enterprise: the
// facts that cross enterprises. Every function here must give the same state whatever the order
// between the events of different enterprises (only each enterprise's own order is fixed).
#include <algorithm>
#include <charconv>

#include "core/domain/across.h"
#include "core/base/overloaded.h"
#include "core/base/rule_errors.h"

namespace agritrace::core {

std::string cross_tenant_target(std::string_view from_tenant, const Event& event) {
  std::string target = std::visit(
      Overloaded{
          [](const ShipmentRecorded& e) { return e.ship_to_tenant; },
          [](const MarketOrderPlaced& e) { return e.producer_tenant; },
          [](const MarketOrderCancelled& e) { return e.producer_tenant; },
          [](const MarketOrderAccepted& e) { return e.buyer_tenant; },
          [](const MarketOrderDeclined& e) { return e.buyer_tenant; },
          [](const auto&) { return std::string(); },
      },
      event);
  return target == from_tenant ? std::string() : target;
}

void evolve_across(TenantState& target, std::string_view from_tenant, const Event& event) {
  std::visit(
      Overloaded{
          [&](const ShipmentRecorded& e) {
            const std::string key = inbound_key(from_tenant, e.shipment_id);
            InboundShipment& in = target.circulation.inbound[key];
            in.from_tenant = std::string(from_tenant);
            in.shipment_id = e.shipment_id;
            in.from_item_id = e.batch_id;
            in.origin_tenant = e.origin_tenant.empty() ? std::string(from_tenant) : e.origin_tenant;
            in.origin_batch_id = e.origin_batch_id.empty() ? e.batch_id : e.origin_batch_id;
            in.mo_id = e.mo_buyer_tenant == target.enterprise_id ? e.mo_id : std::string();
            in.product = e.product;
            in.lot_code = e.lot_code;
            in.per_code = Quantity{e.quantity_per_code, e.quantity.unit};
            std::string serials;
            for (const std::string& serial : e.serials) {
              target.circulation.inbound_codes.set(serial, key);
              serials.append(serial).push_back('\n');
            }
            target.circulation.inbound_serials.set(key, serials);
          },
          [&](const MarketOrderPlaced& e) {
            IncomingMarketOrder& in =
                target.circulation.incoming_orders[std::string(from_tenant) + "/" + e.mo_id];
            in.buyer_tenant = std::string(from_tenant);
            in.buyer_name = e.buyer_name;
            in.buyer_region = e.buyer_region;
            in.mo_id = e.mo_id;
            in.product = e.product;
            in.quantity = e.quantity;
            in.price_fen = e.price_fen;
          },
          [&](const MarketOrderCancelled& e) {
            IncomingMarketOrder& in =
                target.circulation.incoming_orders[std::string(from_tenant) + "/" + e.mo_id];
            // A cancellation that crossed the producer's answer loses: the answer stands.
            if (in.status == MarketOrderStatus::kPlaced) in.status = MarketOrderStatus::kCancelled;
          },
          [&](const MarketOrderAccepted& e) {
            MarketOrderState& mo = target.circulation.market_orders[e.mo_id];
            mo.status = MarketOrderStatus::kAccepted;
            mo.so_id = e.so_id;
          },
          [&](const MarketOrderDeclined& e) {
            target.circulation.market_orders[e.mo_id].status = MarketOrderStatus::kDeclined;
          },
          [](const auto&) {},
      },
      event);
}

}  // namespace agritrace::core
