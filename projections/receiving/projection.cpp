#include "projections/receiving/projection.h"

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "events/codec/domain_codec.h"
#include "projections/base/keys.h"
#include "projections/production/keys.h"
#include "projections/receiving/keys.h"
#include "projections/sales/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

void write_optional_date(JsonWriter& w, std::string_view key, const std::optional<core::Date>& d) {
  w.key(key);
  if (d) w.value(core::format_date(*d)); else w.null();
}

void write_nullable(JsonWriter& w, std::string_view key, const std::string& s) {
  w.key(key);
  if (s.empty()) w.null(); else w.value(s);
}

// The producer batch the goods of a received lot were made in, as the lot record names it.
struct Origin {
  std::string tenant, batch_id;
};

std::optional<Origin> origin_of_lot(const ViewBatch& b, const std::string& t, const std::string& lot_sid) {
  auto lot = b.get(production::keys::lot(t, lot_sid));
  if (!lot) return std::nullopt;
  Origin o{json_string_field(*lot, "origin_tenant").value_or(""),
           json_string_field(*lot, "origin_batch_id").value_or("")};
  if (o.tenant.empty() || o.batch_id.empty()) return std::nullopt;
  return o;
}

class CirculationProjection final : public EventProjection<CirculationProjection, receiving::Handled, tenant_time_and_id> {
 public:
  std::string_view name() const override { return "circulation"; }

 private:
  friend EventProjection;

  // A lineage fact under the origin batch (same layout as the sales projection's shipments).
  static void lineage_fact(const Origin& o, const std::string& holder, const std::string& event_id,
                           std::string_view type, const std::string& ref, const std::string& date,
                           const core::Quantity& q, ViewBatch& b, std::string_view extra_key = {},
                           const std::string& extra_value = {}) {
    JsonWriter f;
    f.begin_object().field("event_id", event_id).field("type", type).field("holder", holder)
        .field("ref", ref);
    if (!extra_key.empty()) f.field(extra_key, extra_value);
    if (!date.empty()) f.field("date", date);
    write_quantity(f, "quantity", q);
    f.end_object();
    b.put(sales::keys::lineage(o.tenant, sort_id(o.batch_id), holder + "/" + event_id), f.str());
  }

  void put_lot(const std::string& t, const core::GoodsReceived& e, ViewBatch& b) {
    const std::string lot = sort_id(e.lot_id);
    // Later receipts of the same shipment's missing codes add to the lot (this tenant's own
    // earlier record: its events are in order).
    std::string first_receipt = e.receipt_id;
    std::string received_on = core::format_date(e.received_on);
    int64_t amount = e.quantity.amount;
    if (auto cur = b.get(production::keys::lot(t, lot))) {
      first_receipt = json_string_field(*cur, "receipt_id").value_or(first_receipt);
      received_on = json_string_field(*cur, "received_on").value_or(received_on);
      if (auto q = json_quantity_field(*cur, "received_quantity")) amount += q->amount;
    }
    JsonWriter w;
    w.begin_object().field("lot_id", e.lot_id).field("receipt_id", first_receipt)
        .field("source", core::receipt_source_name(e.source)).field("material", e.product)
        .field("product_id", e.product_id).field("supplier_id", e.supplier_id)
        .field("supplier_name", e.supplier_name).field("supplier_lot", e.lot_code)
        .field("lot_code", e.lot_code);
    write_quantity(w, "received_quantity", core::Quantity{amount, e.quantity.unit});
    w.field("received_on", received_on).field("production_date", core::format_date(e.production_date));
    write_optional_date(w, "expiry_date", e.expiry_date);
    write_nullable(w, "from_tenant", e.from_tenant);
    w.field("from_name", e.from_name).field("from_item_id", e.from_item_id)
        .field("shipment_id", e.shipment_id).field("origin_tenant", e.origin_tenant)
        .field("origin_batch_id", e.origin_batch_id).field("mo_id", e.mo_id)
        .field("quantity_per_code", e.quantity_per_code).end_object();
    b.put(production::keys::lot(t, lot), w.str());
  }

  // goods in: the receipt, the lot, the code indexes and the edges to the sender.
  void on(const std::string& t, const std::string& at, const std::string& event_id,
          const core::GoodsReceived& e, ViewBatch& b) {
    const std::string rcv = sort_id(e.receipt_id);
    const std::string lot = sort_id(e.lot_id);
    const bool scanned = e.source == core::ReceiptSource::kScan && !e.from_tenant.empty();
    JsonWriter w;
    w.begin_object().field("receipt_id", e.receipt_id).field("lot_id", e.lot_id)
        .field("source", core::receipt_source_name(e.source))
        .field("received_on", core::format_date(e.received_on));
    write_nullable(w, "from_tenant", e.from_tenant);
    w.field("from_name", e.from_name).field("shipment_id", e.shipment_id)
        .field("from_item_id", e.from_item_id).field("origin_tenant", e.origin_tenant)
        .field("origin_batch_id", e.origin_batch_id).field("mo_id", e.mo_id)
        .field("supplier_id", e.supplier_id).field("supplier_name", e.supplier_name)
        .field("product", e.product).field("product_id", e.product_id).field("lot_code", e.lot_code)
        .field("production_date", core::format_date(e.production_date));
    write_optional_date(w, "expiry_date", e.expiry_date);
    write_quantity(w, "quantity", e.quantity);
    w.field("quantity_per_code", e.quantity_per_code)
        .field("received_count", static_cast<int64_t>(e.serials.size()))
        .field("missing_count", static_cast<int64_t>(e.missing_serials.size()));
    w.key("price_fen");
    if (e.price_fen) w.value(*e.price_fen); else w.null();
    w.field("note", e.note).field("recorded_at", at);
    b.put(receiving::keys::receipt_summary(t, rcv), w.str() + "}");
    w.key("serials").begin_array();
    for (const std::string& s : e.serials) w.value(s);
    w.end_array().key("missing_serials").begin_array();
    for (const std::string& s : e.missing_serials) w.value(s);
    w.end_array().end_object();
    b.put(receiving::keys::receipt(t, rcv), w.str());
    b.put(receiving::keys::receipt_of_lot(t, lot, rcv), e.receipt_id);

    JsonWriter code;
    code.begin_object().field("receipt_id", e.receipt_id).field("lot_id", e.lot_id).end_object();
    for (const std::string& s : e.serials) b.put(receiving::keys::received_code(t, s), code.str());
    for (const std::string& s : e.missing_serials) b.put(receiving::keys::missing_code(t, s), code.str());

    put_lot(t, e, b);
    if (!scanned) return;

    // Edges under the sender, written by the receiver: sums, so arrival order does not matter.
    const std::string to = t + "/" + lot;
    b.add_int(receiving::keys::received_from_item(e.from_tenant, sort_id(e.from_item_id), to), e.quantity.amount);
    b.add_int(receiving::keys::received_from_shipment(e.from_tenant, sort_id(e.shipment_id), to), e.quantity.amount);
    // Lineage: a receipt is a fact only; the shipment already moved the quantity to this holder.
    const Origin o{e.origin_tenant.empty() ? e.from_tenant : e.origin_tenant,
                   e.origin_batch_id.empty() ? e.from_item_id : e.origin_batch_id};
    lineage_fact(o, t, event_id, core::GoodsReceived::kType, e.receipt_id,
                 core::format_date(e.received_on), e.quantity, b, "lot_id", e.lot_id);
  }

  // A received lot consumed by an own batch: the goods leave this holder under their origin and
  // continue as the batch (a new origin; the walk follows fwd/).
  void on(const std::string& t, const std::string&, const std::string& event_id,
          const core::BatchMaterialConsumed& e, ViewBatch& b) {
    auto o = origin_of_lot(b, t, sort_id(e.lot_id));
    if (!o) return;
    b.add_int(sales::keys::lineage_held(o->tenant, sort_id(o->batch_id), t), -e.quantity.amount);
    lineage_fact(*o, t, event_id, core::BatchMaterialConsumed::kType, e.lot_id, "",
                 core::Quantity{-e.quantity.amount, e.quantity.unit}, b, "into", e.batch_id);
  }

  // adjustments change an item's stock; for a received lot also what this holder holds.
  void on(const std::string& t, const std::string&, const std::string& event_id,
          const core::StockAdjusted& e, ViewBatch& b) {
    const std::string item = sort_id(e.item_id);
    b.add_int(receiving::keys::adjusted(t, item), e.delta.amount);
    auto o = origin_of_lot(b, t, item);
    if (!o) return;
    b.add_int(sales::keys::lineage_held(o->tenant, sort_id(o->batch_id), t), e.delta.amount);
    lineage_fact(*o, t, event_id, core::StockAdjusted::kType, e.item_id, "", e.delta, b, "reason", e.reason);
  }
};

}  // namespace

std::unique_ptr<Projection> make_circulation_projection() {
  return std::make_unique<CirculationProjection>();
}

}  // namespace agritrace::projections
