#include "projections/inventory/projection.h"

#include <fmt/format.h>

#include <optional>

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/base/keys.h"
#include "projections/inventory/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

// China Standard Time: the calendar day of events that carry no date of their own.
constexpr int32_t kChinaOffsetMinutes = 480;

void nullable(JsonWriter& w, std::string_view key, std::string_view value) {
  w.key(key);
  if (value.empty()) w.null(); else w.value(value);
}

void nullable_date(JsonWriter& w, std::string_view key, const std::optional<core::Date>& d) {
  w.key(key);
  if (d) w.value(core::format_date(*d)); else w.null();
}

// The facts of a stock item, as stored in invi/T/item. Every kind has the same members (those
// that do not apply are null), so the API describes one schema.
struct ItemRecord {
  std::string item_id;
  std::string kind;    // batch | lot
  std::string source;  // production | purchase | scan | manual
  std::string product;
  std::string product_id;
  std::string lot_code;
  core::Quantity quantity;  // batch: the quantity made (amendments change it); lot: first receipt
  core::Date production_date;
  std::optional<core::Date> expiry_date;
  std::optional<core::Date> received_on;
  std::string document_type;  // what created the item: batch | purchase_order | receipt
  std::string document_id;
  std::string supplier_id;
  std::string supplier_name;
  std::string from_tenant;
  std::string from_name;
  std::string origin_tenant;
  std::string origin_batch_id;
  int64_t quantity_per_code = 0;

  std::string json() const {
    JsonWriter w;
    w.begin_object().field("item_id", item_id).field("kind", kind).field("source", source)
        .field("product", product);
    nullable(w, "product_id", product_id);
    w.field("lot_code", lot_code).field("unit", core::unit_name(quantity.unit));
    write_quantity(w, "quantity", quantity.amount, core::unit_name(quantity.unit));
    w.field("production_date", core::format_date(production_date));
    nullable_date(w, "expiry_date", expiry_date);
    nullable_date(w, "received_on", received_on);
    w.key("created_by").begin_object().field("type", document_type).field("id", document_id).end_object();
    nullable(w, "supplier_id", supplier_id);
    // Known here for goods received; for a purchase the query adds the counterparty's name.
    if (!supplier_name.empty()) w.field("supplier_name", supplier_name);
    nullable(w, "from_tenant", from_tenant);
    nullable(w, "from_name", from_name);
    nullable(w, "origin_tenant", origin_tenant);
    nullable(w, "origin_batch_id", origin_batch_id);
    w.field("quantity_per_code", quantity_per_code).end_object();
    return w.take();
  }
};

struct Movement {
  std::string_view kind;  // produced | purchased | received | consumed | shipped | adjusted | amended
  int64_t amount = 0;     // signed
  core::Unit unit = core::Unit::kGram;
  core::Date date;
  std::string_view document_type;
  std::string_view document_id;
  std::string_view reason;
};

class InventoryProjection final : public EventProjection<InventoryProjection, inventory::Handled, whole_event> {
 public:
  std::string_view name() const override { return "inventory"; }

 private:
  friend EventProjection;

  static const std::string& tenant(const events::StoredEvent& se) { return se.envelope.tenant; }

  static core::Date event_day(const events::StoredEvent& se) {
    return core::date_from_unix_ms(se.envelope.occurred_at_ms, kChinaOffsetMinutes);
  }

  static std::string product_key(const std::string& t, std::string_view product, std::string_view item_sid) {
    std::string k = inventory::keys::item_by_product(t, product);
    k += kInventoryKeySep;
    k += item_sid;
    return k;
  }

  void put_item(const std::string& t, const ItemRecord& r, ViewBatch& b) {
    const std::string sid = sort_id(r.item_id);
    b.put(inventory::keys::item(t, sid), r.json());
    b.put(product_key(t, r.product, sid), r.item_id);
  }

  void move(const events::StoredEvent& se, std::string_view item_id, const Movement& m, ViewBatch& b) {
    const std::string& t = tenant(se);
    const std::string sid = sort_id(item_id);
    JsonWriter w;
    w.begin_object().field("seq", se.envelope.tenant_seq).field("event_id", se.envelope.id)
        .field("kind", m.kind);
    write_quantity(w, "quantity", m.amount, core::unit_name(m.unit));
    w.field("date", core::format_date(m.date));
    w.key("document");
    if (m.document_id.empty()) {
      w.null();
    } else {
      w.begin_object().field("type", m.document_type).field("id", m.document_id).end_object();
    }
    if (!m.reason.empty()) w.field("reason", m.reason);
    w.field("recorded_at", core::format_rfc3339_utc(se.envelope.occurred_at_ms)).end_object();
    b.put(inventory::keys::item_movement(t, sid, movement_seq(se.envelope.tenant_seq)), w.str());
    b.add_int(inventory::keys::item_stock(t, sid), m.amount);
  }

  // The unit of an item already in the view, if it is there.
  static std::optional<core::Unit> item_unit(const std::string& t, std::string_view item_id, const ViewBatch& b) {
    auto rec = b.get(inventory::keys::item(t, sort_id(item_id)));
    if (!rec) return std::nullopt;
    auto unit = json_string_field(*rec, "unit");
    if (!unit) return std::nullopt;
    auto parsed = core::parse_unit_name(*unit, "unit");
    if (!parsed.ok()) return std::nullopt;
    return *parsed;
  }

  // ---- own batches ----

  // An own batch's item record; creation and amendment carry the same values.
  template <typename E>
  static ItemRecord batch_item(const E& e, std::string product_id, std::string lot_code) {
    ItemRecord r;
    r.item_id = e.batch_id;
    r.kind = "batch";
    r.source = "production";
    r.product = e.product;
    r.product_id = std::move(product_id);
    r.lot_code = std::move(lot_code);
    r.quantity = e.quantity;
    r.production_date = e.production_date;
    r.expiry_date = e.expiry_date;
    r.document_type = "batch";
    r.document_id = e.batch_id;
    return r;
  }

  void on(const events::StoredEvent& se, const core::BatchCreated& e, ViewBatch& b) {
    put_item(tenant(se), batch_item(e, e.product_id, e.lot_code), b);
    move(se, e.batch_id, {"produced", e.quantity.amount, e.quantity.unit, e.production_date, "batch", e.batch_id, ""}, b);
  }

  // An amendment may change the quantity made: the stock moves by the difference.
  void on(const events::StoredEvent& se, const core::BatchAmended& e, ViewBatch& b) {
    const std::string& t = tenant(se);
    const std::string sid = sort_id(e.batch_id);
    auto cur = b.get(inventory::keys::item(t, sid));
    if (!cur) return;
    const auto before = json_quantity_field(*cur, "quantity");
    const ItemRecord r = batch_item(e, json_string_field(*cur, "product_id").value_or(""),
                                    json_string_field(*cur, "lot_code").value_or(""));
    const std::string old_product = json_string_field(*cur, "product").value_or("");
    if (old_product != e.product) b.del(product_key(t, old_product, sid));
    put_item(t, r, b);
    const int64_t delta = e.quantity.amount - (before ? before->amount : 0);
    if (delta != 0) {
      move(se, e.batch_id, {"amended", delta, e.quantity.unit, event_day(se), "batch", e.batch_id, ""}, b);
    }
  }

  // ---- lots ----

  void on(const events::StoredEvent& se, const core::PurchaseOrderReceived& e, ViewBatch& b) {
    ItemRecord r;
    r.item_id = e.lot_id;
    r.kind = "lot";
    r.source = "purchase";
    r.product = e.material;
    r.lot_code = e.supplier_lot;
    r.quantity = e.quantity;
    r.production_date = e.production_date;
    r.expiry_date = e.expiry_date;
    r.received_on = e.received_on;
    r.document_type = "purchase_order";
    r.document_id = e.po_id;
    r.supplier_id = e.supplier_id;
    put_item(tenant(se), r, b);
    move(se, e.lot_id, {"purchased", e.quantity.amount, e.quantity.unit, e.received_on, "purchase_order", e.po_id, ""}, b);
  }

  // Goods in by scan or by hand: the first receipt creates the lot, later ones add to it.
  void on(const events::StoredEvent& se, const core::GoodsReceived& e, ViewBatch& b) {
    const std::string& t = tenant(se);
    const auto unit = item_unit(t, e.lot_id, b);
    if (!unit) {
      ItemRecord r;
      r.item_id = e.lot_id;
      r.kind = "lot";
      r.source = std::string(core::receipt_source_name(e.source));
      r.product = e.product;
      r.product_id = e.product_id;
      r.lot_code = e.lot_code;
      r.quantity = e.quantity;
      r.production_date = e.production_date;
      r.expiry_date = e.expiry_date;
      r.received_on = e.received_on;
      r.document_type = "receipt";
      r.document_id = e.receipt_id;
      r.supplier_id = e.supplier_id;
      r.supplier_name = e.supplier_name;
      r.from_tenant = e.from_tenant;
      r.from_name = e.from_name;
      r.origin_tenant = e.origin_tenant;
      r.origin_batch_id = e.origin_batch_id;
      r.quantity_per_code = e.quantity_per_code;
      put_item(t, r, b);
    } else if (*unit != e.quantity.unit) {
      return;  // the write model ignores it too (core/domain/across.cpp)
    }
    move(se, e.lot_id, {"received", e.quantity.amount, e.quantity.unit, e.received_on, "receipt", e.receipt_id, ""}, b);
  }

  void on(const events::StoredEvent& se, const core::BatchMaterialConsumed& e, ViewBatch& b) {
    const auto unit = item_unit(tenant(se), e.lot_id, b);
    if (!unit || *unit != e.quantity.unit) return;  // as the write model (core/production/evolve.cpp)
    move(se, e.lot_id, {"consumed", -e.quantity.amount, e.quantity.unit, event_day(se), "batch", e.batch_id, ""}, b);
  }

  // ---- out and counted ----

  // batch_id names the stock item the goods left from: an own batch or a lot.
  void on(const events::StoredEvent& se, const core::ShipmentRecorded& e, ViewBatch& b) {
    move(se, e.batch_id, {"shipped", -e.quantity.amount, e.quantity.unit, e.ship_date, "shipment", e.shipment_id, ""}, b);
  }

  void on(const events::StoredEvent& se, const core::StocktakeRecorded& e, ViewBatch& b) {
    const std::string& t = tenant(se);
    const std::string sid = sort_id(e.stocktake_id);
    const std::string at = core::format_rfc3339_utc(se.envelope.occurred_at_ms);
    int64_t variances = 0;
    JsonWriter w;
    w.begin_object().field("stocktake_id", e.stocktake_id).field("taken_on", core::format_date(e.taken_on))
        .field("note", e.note).field("recorded_at", at);
    w.key("lines").begin_array();
    for (const core::StocktakeLine& l : e.lines) {
      const std::string_view unit = core::unit_name(l.counted.unit);
      const int64_t variance = l.counted.amount - l.expected.amount;
      if (variance != 0) ++variances;
      w.begin_object().field("item_id", l.item_id);
      write_quantity(w, "expected", l.expected.amount, core::unit_name(l.expected.unit));
      write_quantity(w, "counted", l.counted.amount, unit);
      write_quantity(w, "variance", variance, unit);
      w.field("reason", l.reason).end_object();
    }
    w.end_array().end_object();
    b.put(inventory::keys::stocktake(t, sid), w.str());
    JsonWriter s;
    s.begin_object().field("stocktake_id", e.stocktake_id).field("taken_on", core::format_date(e.taken_on))
        .field("note", e.note).field("line_count", static_cast<int64_t>(e.lines.size()))
        .field("variance_count", variances).field("recorded_at", at).end_object();
    b.put(inventory::keys::stocktake_summary(t, sid), s.str());
  }

  // Dated by its stocktake (recorded just before, in the same command).
  void on(const events::StoredEvent& se, const core::StockAdjusted& e, ViewBatch& b) {
    core::Date date = event_day(se);
    if (!e.stocktake_id.empty()) {
      if (auto st = b.get(inventory::keys::stocktake(tenant(se), sort_id(e.stocktake_id)))) {
        if (auto taken = json_string_field(*st, "taken_on")) {
          if (auto d = core::parse_date(*taken, "taken_on"); d.ok()) date = *d;
        }
      }
    }
    move(se, e.item_id, {"adjusted", e.delta.amount, e.delta.unit, date,
                         e.stocktake_id.empty() ? "" : "stocktake", e.stocktake_id, e.reason}, b);
  }
};

}  // namespace

std::string movement_seq(int64_t tenant_seq) { return fmt::format("{:020}", tenant_seq); }

std::unique_ptr<Projection> make_inventory_projection() { return std::make_unique<InventoryProjection>(); }

}  // namespace agritrace::projections
