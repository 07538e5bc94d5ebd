#include "projections/interchange/projection.h"

#include <fmt/format.h>

#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "core/interchange/epcis.h"
#include "projections/base/keys.h"
#include "projections/interchange/keys.h"
#include "projections/interchange/stored_event.h"

namespace agritrace::projections {
namespace {

namespace epcis = core::epcis;
using interchange::StoredEpcis;

// The EPCIS key of the idx-th EPCIS event of a ledger event: ledger order within the tenant.
std::string event_suffix(int64_t tenant_seq, size_t idx) {
  return fmt::format("{:012}/{:03}", tenant_seq, idx);
}

class InterchangeProjection final
    : public EventProjection<InterchangeProjection, interchange::Handled, whole_event> {
 public:
  std::string_view name() const override { return "interchange"; }

 private:
  friend EventProjection;

  static epcis::Event base_event(const events::StoredEvent& se, std::string type) {
    epcis::Event e;
    e.type = std::move(type);
    e.event_time_ms = se.envelope.occurred_at_ms;
    e.record_time_ms = se.envelope.recorded_at_ms;
    return e;
  }

  // Goods come into being in production: commissioning, active, under the batch's order.
  static void commissioned(epcis::Event& ev, const std::string& t, const std::string& batch_id) {
    ev.biz_step = "commissioning";
    ev.disposition = "active";
    ev.biz_transactions.push_back({"prodorder", epcis::transaction_uri(t, batch_id)});
  }

  static void put(const events::StoredEvent& se, size_t idx, epcis::Event e, ViewBatch& b) {
    StoredEpcis s{std::move(e), se.envelope.id};
    b.put(interchange::keys::event(se.envelope.tenant, event_suffix(se.envelope.tenant_seq, idx)),
          interchange::encode_stored(s));
  }

  // The class of a batch or lot of this tenant: its catalogue product (resolved to an LGTIN when
  // read) or the platform's lot URI.
  static epcis::GoodsClass goods_of(const std::string& t, const std::string& item_id,
                                    ViewBatch& b) {
    epcis::GoodsClass g;
    g.private_uri = epcis::lot_uri(t, item_id);
    if (auto rec = b.get(interchange::keys::item(t, item_id))) {
      g.product_id = json_string_field(*rec, "product_id").value_or("");
      g.lot = json_string_field(*rec, "lot_code").value_or("");
    }
    return g;
  }

  static void remember_item(const std::string& t, const std::string& item_id,
                            const std::string& product_id, const std::string& lot_code,
                            ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("product_id", product_id).field("lot_code", lot_code).end_object();
    b.put(interchange::keys::item(t, item_id), w.str());
  }

  static std::vector<epcis::Item> items_of(const std::vector<std::string>& serials,
                                           const std::string& gtin14) {
    std::vector<epcis::Item> out;
    out.reserve(serials.size());
    for (const std::string& s : serials) out.push_back(epcis::Item{gtin14, s});
    return out;
  }

  void on(const events::StoredEvent& se, const core::CodeRunStarted& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object()
        .field("gtin", e.gtin14)
        .field("lot_code", e.lot_code)
        .field("batch_id", e.batch_id)
        .end_object();
    b.put(interchange::keys::run(se.envelope.tenant, e.run_id), w.str());
  }

  // Code generation: the codes come into being (commissioning, ADD, active).
  void on(const events::StoredEvent& se, const core::CodesGenerated& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    const auto run = b.get(interchange::keys::run(t, e.run_id));
    const std::string gtin = run ? json_string_field(*run, "gtin").value_or("") : "";
    epcis::Event ev = base_event(se, "ObjectEvent");
    ev.epcs = items_of(e.serials, gtin);
    ev.action = "ADD";
    commissioned(ev, t, e.batch_id);
    put(se, 0, std::move(ev), b);
  }

  // A production batch is made: its goods come into being (commissioning of the batch's class).
  void on(const events::StoredEvent& se, const core::BatchCreated& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    remember_item(t, e.batch_id, e.product_id, e.lot_code, b);
    epcis::Event ev = base_event(se, "ObjectEvent");
    ev.quantities.push_back(epcis::quantity_of(goods_of(t, e.batch_id, b), e.quantity));
    ev.action = "ADD";
    commissioned(ev, t, e.batch_id);
    ev.sources.push_back({"owning_party", epcis::party_uri(t)});
    put(se, 0, std::move(ev), b);
  }

  // A batch consumes a lot: a TransformationEvent from the lot to the batch's class.
  void on(const events::StoredEvent& se, const core::BatchMaterialConsumed& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    epcis::Event ev = base_event(se, "TransformationEvent");
    ev.quantities.push_back(epcis::quantity_of(goods_of(t, e.lot_id, b), e.quantity));
    epcis::QuantityElement out;
    out.goods = goods_of(t, e.batch_id, b);
    ev.output_quantities.push_back(std::move(out));
    ev.transformation_id = "urn:agritrace:transformation:" + t + ":" + e.batch_id;
    commissioned(ev, t, e.batch_id);
    put(se, 0, std::move(ev), b);
  }

  // A purchase order's goods arrive: a material lot of this tenant.
  void on(const events::StoredEvent& se, const core::PurchaseOrderReceived& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    remember_item(t, e.lot_id, "", e.supplier_lot, b);
    epcis::Event ev = base_event(se, "ObjectEvent");
    ev.quantities.push_back(epcis::quantity_of(goods_of(t, e.lot_id, b), e.quantity));
    ev.action = "OBSERVE";
    ev.biz_step = "receiving";
    ev.disposition = "in_progress";
    ev.biz_transactions.push_back({"po", epcis::transaction_uri(t, e.po_id)});
    ev.sources.push_back({"owning_party", epcis::private_party_uri(t, e.supplier_id)});
    ev.destinations.push_back({"owning_party", epcis::party_uri(t)});
    put(se, 0, std::move(ev), b);
  }

  // Shipping (wholesale) or a retail sale: the goods leave this tenant.
  void on(const events::StoredEvent& se, const core::ShipmentRecorded& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    const bool retail = e.ship_to_individual;
    epcis::Event ev = base_event(se, "ObjectEvent");
    if (!e.serials.empty()) {
      ev.epcs = items_of(e.serials, "");  // GTINs from the resolver index when read
    } else {
      ev.quantities.push_back(epcis::quantity_of(goods_of(t, e.batch_id, b), e.quantity));
    }
    ev.action = "OBSERVE";
    ev.biz_step = retail ? "retail_selling" : "shipping";
    ev.disposition = retail ? "retail_sold" : "in_transit";
    ev.biz_transactions.push_back({"po", epcis::transaction_uri(t, e.so_id)});
    ev.biz_transactions.push_back({"desadv", epcis::transaction_uri(t, e.shipment_id)});
    ev.sources.push_back({"owning_party", epcis::party_uri(t)});
    const std::string to =
        !e.ship_to_uscc.empty()
            ? epcis::party_uri(e.ship_to_uscc)
            : epcis::private_party_uri(t, e.ship_to_id.empty() ? "consumer" : e.ship_to_id);
    ev.destinations.push_back({"owning_party", to});
    put(se, 0, std::move(ev), b);
  }

  // Goods received by scan or by hand: a lot of this tenant.
  void on(const events::StoredEvent& se, const core::GoodsReceived& e, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    if (!b.get(interchange::keys::item(t, e.lot_id)))
      remember_item(t, e.lot_id, e.product_id, e.lot_code, b);
    epcis::Event ev = base_event(se, "ObjectEvent");
    if (!e.serials.empty()) {
      ev.epcs = items_of(e.serials, "");
    } else {
      ev.quantities.push_back(epcis::quantity_of(goods_of(t, e.lot_id, b), e.quantity));
    }
    ev.action = "OBSERVE";
    ev.biz_step = "receiving";
    ev.disposition = "in_progress";
    if (!e.shipment_id.empty()) {
      ev.biz_transactions.push_back(
          {"desadv", epcis::transaction_uri(e.from_tenant, e.shipment_id)});
    }
    ev.biz_transactions.push_back({"recadv", epcis::transaction_uri(t, e.receipt_id)});
    ev.sources.push_back({"owning_party", !e.from_tenant.empty()
                                              ? epcis::party_uri(e.from_tenant)
                                              : epcis::private_party_uri(t, e.supplier_id)});
    ev.destinations.push_back({"owning_party", epcis::party_uri(t)});
    put(se, 0, std::move(ev), b);
  }
};

}  // namespace

std::unique_ptr<Projection> make_interchange_projection() {
  return std::make_unique<InterchangeProjection>();
}

}  // namespace agritrace::projections
