// Folding of the circulation events (core/market/model.h) into the write model, including the
// facts that cross enterprises. Every function here must give the same state whatever the order
// between the events of different enterprises (only each enterprise's own order is fixed).
#include <algorithm>
#include <charconv>

#include "core/domain/across.h"
#include "core/base/overloaded.h"
#include "core/base/rule_errors.h"

namespace agritrace::core {
namespace {

void saturating_add(int64_t& into, int64_t v) {
  if (__builtin_add_overflow(into, v, &into)) into = v > 0 ? INT64_MAX : INT64_MIN;
}

std::string inbound_key(std::string_view from_tenant, std::string_view shipment_id) {
  return std::string(from_tenant) + "/" + std::string(shipment_id);
}

}  // namespace

void evolve_circulation(TenantState& s, const MarketOrderPlaced& e) {
  observe_id(s.circulation.last_market_order, e.mo_id, "mo-");
  MarketOrderState& mo = s.circulation.market_orders[e.mo_id];
  mo.producer_tenant = e.producer_tenant;
  mo.product = e.product;
  mo.quantity = e.quantity;
  mo.price_fen = e.price_fen;
  // The producer's answer may have been folded first (another partition): keep it.
}

void evolve_circulation(TenantState& s, const MarketOrderCancelled& e) {
  auto& mo = s.circulation.market_orders[e.mo_id];
  if (mo.status == MarketOrderStatus::kPlaced) mo.status = MarketOrderStatus::kCancelled;
}

void evolve_circulation(TenantState& s, const MarketOrderAccepted& e) {
  IncomingMarketOrder& in = s.circulation.incoming_orders[e.buyer_tenant + "/" + e.mo_id];
  in.buyer_tenant = e.buyer_tenant;
  in.mo_id = e.mo_id;
  in.status = MarketOrderStatus::kAccepted;
  in.so_id = e.so_id;
  s.circulation.so_market_order[e.so_id] = e.buyer_tenant + "/" + e.mo_id;
}

void evolve_circulation(TenantState& s, const MarketOrderDeclined& e) {
  IncomingMarketOrder& in = s.circulation.incoming_orders[e.buyer_tenant + "/" + e.mo_id];
  in.buyer_tenant = e.buyer_tenant;
  in.mo_id = e.mo_id;
  in.status = MarketOrderStatus::kDeclined;
}

void evolve_circulation(TenantState& s, const GoodsReceived& e) {
  observe_id(s.circulation.last_receipt, e.receipt_id, "rcv-");
  observe_id(s.counters.lot, e.lot_id, "lot-");
  MaterialLotState& lot = s.lots[e.lot_id];
  if (lot.receipt_id.empty()) {
    lot.receipt_id = e.receipt_id;
    lot.material = e.product;
    lot.supplier_id = e.supplier_id;
    lot.supplier_lot = e.lot_code;
    lot.lot_code = e.lot_code;
    lot.product_id = e.product_id;
    lot.production_date = e.production_date;
    lot.expiry = e.expiry_date;
    if (e.expiry_date) lot.expiry_date = *e.expiry_date;
    lot.received_on = e.received_on;
    lot.received = Quantity{0, e.quantity.unit};
    lot.from_tenant = e.from_tenant;
    lot.from_item_id = e.from_item_id;
    lot.origin_tenant = e.origin_tenant;
    lot.origin_batch_id = e.origin_batch_id;
    lot.quantity_per_code = e.quantity_per_code;
  }
  if (lot.received.unit == e.quantity.unit) saturating_add(lot.received.amount, e.quantity.amount);
  if (e.source == ReceiptSource::kScan) {
    const std::string key = inbound_key(e.from_tenant, e.shipment_id);
    s.circulation.inbound[key].lot_id = e.lot_id;
    for (const std::string& serial : e.serials) {
      s.circulation.received_codes[serial] = key;
      s.circulation.held_codes[serial] = e.lot_id;
    }
  }
}

void evolve_circulation(TenantState& s, const StocktakeRecorded& e) {
  observe_id(s.circulation.last_stocktake, e.stocktake_id, "st-");
}

void evolve_circulation(TenantState& s, const StockAdjusted& e) {
  saturating_add(s.circulation.adjusted[e.item_id], e.delta.amount);
}

void evolve_circulation(TenantState& s, const FinanceEntryRecorded& e) {
  observe_id(s.circulation.last_finance_entry, e.entry_id, "fe-");
}

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
            in.serials = e.serials;
            for (const std::string& serial : e.serials) target.circulation.inbound_codes[serial] = key;
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
