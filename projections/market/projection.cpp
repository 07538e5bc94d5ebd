#include "projections/market/projection.h"

#include <fmt/format.h>

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/base/keys.h"
#include "projections/market/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

void write_optional_date(JsonWriter& w, std::string_view key, const std::optional<core::Date>& d) {
  w.key(key);
  if (d) w.value(core::format_date(*d)); else w.null();
}

void write_optional_fen(JsonWriter& w, std::string_view key, const std::optional<int64_t>& fen) {
  w.key(key);
  if (fen) w.value(*fen); else w.null();
}

// "B/mo-000000000003": the producer-side key part of buyer B's order mo-3.
std::string incoming_part(std::string_view buyer, std::string_view mo_id) {
  return std::string(buyer) + "/" + sort_id(mo_id);
}

class MarketProjection final : public EventProjection<MarketProjection, market::Handled, tenant_and_ms> {
 public:
  std::string_view name() const override { return "market"; }

 private:
  friend EventProjection;

  // ---- the buyer's events ----

  void on(const std::string& buyer, int64_t at_ms, const core::MarketOrderPlaced& e, ViewBatch& b) {
    const std::string at = core::format_rfc3339_utc(at_ms);
    JsonWriter w;
    w.begin_object().field("mo_id", e.mo_id).field("buyer_tenant", buyer).field("buyer_name", e.buyer_name)
        .field("buyer_region", e.buyer_region).field("producer_tenant", e.producer_tenant)
        .field("producer_name", e.producer_name).field("product", e.product).field("product_id", e.product_id);
    write_quantity(w, "quantity", e.quantity);
    write_optional_fen(w, "price_fen", e.price_fen);
    write_optional_date(w, "wanted_by", e.wanted_by);
    w.field("note", e.note).field("placed_at", at).end_object();
    const std::string mo = sort_id(e.mo_id);
    b.put(market::keys::order(buyer, mo), w.str());
    // The producer's inbox, in placement order (the envelope's time: the same in every replay).
    const std::string part = incoming_part(buyer, e.mo_id);
    const std::string ordered = fmt::format("{:016d}/{}", at_ms < 0 ? 0 : at_ms, part);
    b.put(market::keys::inbox(e.producer_tenant, ordered), w.str());
    b.put(market::keys::inbox_index(e.producer_tenant, part), ordered);
  }

  void on(const std::string& buyer, int64_t at_ms, const core::MarketOrderCancelled& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("reason", e.reason).field("cancelled_at", core::format_rfc3339_utc(at_ms)).end_object();
    b.put(market::keys::order_cancelled(buyer, sort_id(e.mo_id)), w.str());
    b.put(market::keys::inbox_cancelled(e.producer_tenant, incoming_part(buyer, e.mo_id)), w.str());
  }

  void on(const std::string& buyer, int64_t at_ms, const core::GoodsReceived& e, ViewBatch& b) {
    if (e.mo_id.empty()) return;
    JsonWriter w;
    w.begin_object().field("receipt_id", e.receipt_id).field("lot_id", e.lot_id)
        .field("received_on", core::format_date(e.received_on)).field("from_tenant", e.from_tenant)
        .field("shipment_id", e.shipment_id);
    write_quantity(w, "quantity", e.quantity);
    write_optional_fen(w, "price_fen", e.price_fen);
    w.field("recorded_at", core::format_rfc3339_utc(at_ms)).end_object();
    b.put(market::keys::order_receipt(buyer, sort_id(e.mo_id), sort_id(e.receipt_id)), w.str());
  }

  // ---- the producer's events ----

  void put_answer(const std::string& producer, const std::string& buyer, const std::string& mo_id,
                  std::string_view status, const std::string& so_id, const std::string& batch_id,
                  const std::string& reason, int64_t at_ms, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("status", status);
    if (!so_id.empty()) w.field("so_id", so_id).field("batch_id", batch_id);
    if (!reason.empty()) w.field("decline_reason", reason);
    w.field("answered_at", core::format_rfc3339_utc(at_ms)).end_object();
    b.put(market::keys::order_answer(buyer, sort_id(mo_id)), w.str());
    b.put(market::keys::inbox_answer(producer, incoming_part(buyer, mo_id)), w.str());
  }

  void on(const std::string& producer, int64_t at_ms, const core::MarketOrderAccepted& e, ViewBatch& b) {
    put_answer(producer, e.buyer_tenant, e.mo_id, "accepted", e.so_id, e.batch_id, "", at_ms, b);
  }

  void on(const std::string& producer, int64_t at_ms, const core::MarketOrderDeclined& e, ViewBatch& b) {
    put_answer(producer, e.buyer_tenant, e.mo_id, "declined", "", "", e.reason, at_ms, b);
  }

  void on(const std::string& producer, int64_t, const core::SalesOrderCreated& e, ViewBatch& b) {
    if (e.mo_id.empty() || e.mo_buyer_tenant.empty()) return;
    b.put(market::keys::order_of_sales_order(producer, sort_id(e.so_id)), e.mo_buyer_tenant + "/" + e.mo_id);
  }

  void on(const std::string& producer, int64_t at_ms, const core::ShipmentRecorded& e, ViewBatch& b) {
    // The shipment names its market order; older shipping code did not, so the sales order's
    // link (an earlier event of the same producer) stands in.
    std::string buyer = e.mo_buyer_tenant;
    std::string mo_id = e.mo_id;
    if (mo_id.empty() || buyer.empty()) {
      auto link = b.get(market::keys::order_of_sales_order(producer, sort_id(e.so_id)));
      if (!link) return;
      const size_t slash = link->rfind('/');
      if (slash == std::string::npos) return;
      buyer = link->substr(0, slash);
      mo_id = link->substr(slash + 1);
    }
    JsonWriter w;
    w.begin_object().field("shipment_id", e.shipment_id).field("shipped_by", producer).field("so_id", e.so_id)
        .field("batch_id", e.batch_id).field("lot_code", e.lot_code).field("product", e.product)
        .field("ship_date", core::format_date(e.ship_date));
    write_quantity(w, "quantity", e.quantity);
    w.field("quantity_per_code", e.quantity_per_code)
        .field("code_count", static_cast<int64_t>(e.serials.size()))
        .field("recorded_at", core::format_rfc3339_utc(at_ms)).end_object();
    b.put(market::keys::order_shipment(buyer, sort_id(mo_id), producer + "/" + sort_id(e.shipment_id)), w.str());
  }
};

}  // namespace

std::unique_ptr<Projection> make_market_projection() { return std::make_unique<MarketProjection>(); }

}  // namespace agritrace::projections
