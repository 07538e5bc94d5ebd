#include "projections/sales/projection.h"

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "events/codec/domain_codec.h"
#include "projections/base/keys.h"
#include "projections/sales/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

// Separator inside analytics keys: cannot appear in product names or regions typed by people.
constexpr char kSep = '\x1f';

class SalesProjection final : public EventProjection<SalesProjection, sales::Handled, tenant_time_and_id> {
 public:
  std::string_view name() const override { return "sales"; }

 private:
  friend EventProjection;

  template <typename E>
  void put_order(const std::string& t, const E& e, ViewBatch& b) {
    const std::string so = sort_id(e.so_id);
    // An amendment may move the order to another batch: drop the old index entry.
    if (auto cur = b.get(sales::keys::order(t, so))) {
      const std::string old_batch = json_string_field(*cur, "batch_id").value_or("");
      if (old_batch != e.batch_id) {
        b.del(sales::keys::order_by_batch(t, sort_id(old_batch), so));
        b.del(sales::keys::open_order_by_batch(t, sort_id(old_batch), so));  // only open orders are amended
      }
    }
    JsonWriter w;
    w.begin_object().field("so_id", e.so_id).field("customer_id", e.customer_id)
        .field("batch_id", e.batch_id).field("product", e.product);
    write_quantity(w, "quantity", e.quantity);
    w.field("production_date", core::format_date(e.production_date));
    w.key("expiry_date");
    if (e.expiry_date) w.value(core::format_date(*e.expiry_date)); else w.null();
    w.key("price_fen");
    if (e.price_fen) w.value(*e.price_fen); else w.null();
    w.field("note", e.note).end_object();
    b.put(sales::keys::order(t, so), w.str());
    b.put(sales::keys::order_by_batch(t, sort_id(e.batch_id), so), e.so_id);
    b.put(sales::keys::open_order_by_batch(t, sort_id(e.batch_id), so), e.so_id);
  }

  // An order that is shipped or cancelled leaves the open-orders index of its item, so that
  // recalls and whereabouts read only the orders they can still stop (retail sales, created
  // shipped, never stay in it).
  void close_order(const std::string& t, const std::string& so_id, ViewBatch& b) {
    const std::string so = sort_id(so_id);
    if (auto cur = b.get(sales::keys::order(t, so))) {
      b.del(sales::keys::open_order_by_batch(t, sort_id(json_string_field(*cur, "batch_id").value_or("")), so));
    }
  }

  void put_status(const std::string& t, const std::string& so_id, std::string_view status,
                  std::string_view reason, const std::string& at, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("status", status);
    if (!reason.empty()) w.field("cancel_reason", reason);
    w.field("status_changed_at", at).end_object();
    b.put(sales::keys::order_status(t, sort_id(so_id)), w.str());
  }

  void on(const std::string& t, const std::string& at, const std::string&,
          const core::SalesOrderCreated& e, ViewBatch& b) {
    put_order(t, e, b);
    put_status(t, e.so_id, "open", "", at, b);
  }
  void on(const std::string& t, const std::string&, const std::string&,
          const core::SalesOrderAmended& e, ViewBatch& b) {
    put_order(t, e, b);
  }
  void on(const std::string& t, const std::string& at, const std::string&,
          const core::SalesOrderCancelled& e, ViewBatch& b) {
    put_status(t, e.so_id, "cancelled", e.reason, at, b);
    close_order(t, e.so_id, b);
  }
  void on(const std::string& t, const std::string& at, const std::string&,
          const core::SalesOrderStatusChanged& e, ViewBatch& b) {
    put_status(t, e.so_id, core::sales_order_status_name(e.status), "", at, b);
    if (e.status == core::SalesOrderStatus::kShipped || e.status == core::SalesOrderStatus::kCancelled) {
      close_order(t, e.so_id, b);
    }
  }

  void on(const std::string& t, const std::string& at, const std::string& event_id,
          const core::ShipmentRecorded& e, ViewBatch& b) {
    const std::string sh = sort_id(e.shipment_id);
    const std::string batch = sort_id(e.batch_id);
    const std::string holder = lineage_holder(t, e.ship_to_id, e.ship_to_uscc);
    JsonWriter w;
    w.begin_object().field("shipment_id", e.shipment_id).field("so_id", e.so_id)
        .field("batch_id", e.batch_id).field("lot_code", e.lot_code).field("product", e.product)
        .field("ship_date", core::format_date(e.ship_date)).field("ship_from", t)
        .field("ship_to_id", e.ship_to_id).field("ship_to_name", e.ship_to_name)
        .field("ship_to_uscc", e.ship_to_uscc);
    w.key("ship_to_tenant");
    if (e.ship_to_tenant.empty()) w.null(); else w.value(e.ship_to_tenant);
    w.field("ship_to_region", e.ship_to_region)
        .field("channel", e.ship_to_individual ? "retail" : "wholesale");
    write_quantity(w, "quantity", e.quantity);
    w.field("quantity_per_code", e.quantity_per_code)
        .field("code_count", static_cast<int64_t>(e.serials.size()))
        .field("recorded_at", at);
    // .x, only when set (shipments of the production end keep their bytes).
    if (!e.origin_tenant.empty()) w.field("origin_tenant", e.origin_tenant);
    if (!e.origin_batch_id.empty()) w.field("origin_batch_id", e.origin_batch_id);
    if (!e.mo_id.empty()) w.field("mo_buyer_tenant", e.mo_buyer_tenant).field("mo_id", e.mo_id);
    if (!e.payment_voucher.empty()) w.field("payment_voucher", e.payment_voucher);
    if (e.price_fen) w.field("price_fen", *e.price_fen);
    const std::string summary = w.str() + "}";
    w.key("serials").begin_array();
    for (const std::string& s : e.serials) w.value(s);
    w.end_array().end_object();
    b.put(sales::keys::shipment(t, sh), w.str());
    b.put(sales::keys::shipment_by_batch(t, batch, sh), summary);
    b.put(sales::keys::shipment_of_order(t, sort_id(e.so_id), sh), e.shipment_id);
    for (const std::string& s : e.serials) b.put(sales::keys::shipment_of_code(t, s), e.shipment_id);
    b.add_int(sales::keys::order_shipped(t, sort_id(e.so_id)), e.quantity.amount);
    b.add_int(sales::keys::batch_shipped(t, batch), e.quantity.amount);
    // A retail sale may name no customer: its amount is kept under "consumer".
    b.add_int(sales::keys::at_customer(t, batch, e.ship_to_id.empty() ? "consumer" : sort_id(e.ship_to_id)),
              e.quantity.amount);

    // Lineage: a keyed fact and a sum per holder, under the ORIGIN producer and batch (this
    // tenant and batch for its own batch; the producer's for goods it received). A shipment from
    // received goods moves q from this holder to the receiver (linq[this] -= q, linq[to] += q);
    // receipts, consumption and adjustments of received lots add their facts in the circulation
    // projection. Keyed facts and sums: arrival order across enterprises never matters.
    const std::string origin = e.origin_tenant.empty() ? t : e.origin_tenant;
    const std::string origin_batch = e.origin_batch_id.empty() ? batch : sort_id(e.origin_batch_id);
    JsonWriter f;
    f.begin_object().field("event_id", event_id).field("type", core::ShipmentRecorded::kType)
        .field("from", t).field("to", holder).field("ref", e.shipment_id)
        .field("date", core::format_date(e.ship_date));
    write_quantity(f, "quantity", e.quantity);
    f.end_object();
    b.put(sales::keys::lineage(origin, origin_batch, holder + "/" + event_id), f.str());
    b.add_int(sales::keys::lineage_held(origin, origin_batch, holder), e.quantity.amount);
    if (origin != t || origin_batch != batch) {
      b.add_int(sales::keys::lineage_held(origin, origin_batch, t), -e.quantity.amount);
    }

    // producer -> enterprise customer is wholesale, -> an individual is retail.
    // Circulation events later add their sales under the origin producer with the same key.
    // Circulation sales of received goods also count for the origin producer (its products
    // downstream: a wholesaler's sales are wholesale, a retailer's to consumers retail).
    std::string k = e.product;
    k += kSep;
    k += core::format_date(e.ship_date);
    k += kSep;
    k += e.ship_to_region.empty() ? "unknown" : e.ship_to_region;
    k += kSep;
    k += e.ship_to_individual ? "retail" : "wholesale";
    k += kSep;
    k += core::unit_name(e.quantity.unit);
    b.add_int(sales::keys::analytics(t, k), e.quantity.amount);
    if (origin != t) b.add_int(sales::keys::analytics(origin, k), e.quantity.amount);
  }

  void on(const std::string& t, const std::string& at, const std::string&,
          const core::RecallRaised& e, ViewBatch& b) {
    const std::string rc = sort_id(e.recall_id);
    JsonWriter w;
    w.begin_object().field("recall_id", e.recall_id).field("scope", core::recall_scope_name(e.scope))
        .field("target", e.target).field("reason", e.reason)
        .field("raised_on", core::format_date(e.raised_on)).field("raised_at", at);
    w.key("batch_ids_at_raising").begin_array();
    for (const std::string& id : e.batch_ids) w.value(id);
    w.end_array().end_object();
    b.put(sales::keys::recall(t, rc), w.str());
    switch (e.scope) {
      case core::RecallScope::kLot: b.put(sales::keys::recall_by_lot(t, sort_id(e.target), rc), e.recall_id); break;
      case core::RecallScope::kBatch: b.put(sales::keys::recall_by_batch(t, sort_id(e.target), rc), e.recall_id); break;
      case core::RecallScope::kCode: b.put(sales::keys::recall_by_code(t, e.target, rc), e.recall_id); break;
    }
  }
};

}  // namespace

std::string lineage_holder(std::string_view from_tenant, std::string_view ship_to_id,
                           std::string_view ship_to_uscc) {
  if (!ship_to_uscc.empty()) return std::string(ship_to_uscc);
  // A retail sale without a recorded customer: the seller's anonymous consumers.
  return std::string(from_tenant) + ":" + (ship_to_id.empty() ? std::string("consumer") : std::string(ship_to_id));
}

std::unique_ptr<Projection> make_sales_projection() { return std::make_unique<SalesProjection>(); }

}  // namespace agritrace::projections
