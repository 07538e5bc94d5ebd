#include "projections/production/projection.h"

#include "core/base/identifiers.h"
#include "core/base/json_writer.h"
#include "core/base/pii.h"
#include "core/domain/event.h"
#include "events/codec/domain_codec.h"
#include "projections/base/keys.h"
#include "projections/base/view_values.h"
#include "projections/codes/projection.h"
#include "projections/devices/projection.h"
#include "projections/finance/projection.h"
#include "projections/interchange/projection.h"
#include "projections/inventory/projection.h"
#include "projections/market/projection.h"
#include "projections/production/keys.h"
#include "projections/public/complaint_projection.h"
#include "projections/public/payment_projection.h"
#include "projections/public/sampling_projection.h"
#include "projections/regulator/inspection_projection.h"
#include "projections/regulator/projection.h"
#include "projections/regulator/ledger_lines_projection.h"
#include "projections/receiving/projection.h"
#include "projections/sales/projection.h"
#include "projections/trace/projection.h"

namespace agritrace::projections {
namespace {

// A personal field of the views: erased values stay the erased marker, masked or not.
std::string personal(const std::string& value, bool masked, std::string (*mask)(std::string_view)) {
  if (value == core::kPiiErased || !masked) return value;
  return mask(value);
}

constexpr std::string_view kErasedFlag = ",\"personal_data_erased\":true}";

// The view JSON of a counterparty whose personal data was erased: ID number and phone become the
// erased marker and the object ends with "personal_data_erased":true (once). The same bytes as
// counterparty_json() of a record whose values were already unreadable, so a replay after the
// erasure rebuilds identical views.
std::string erased_json(std::string json) {
  for (std::string_view field : {"id_number", "phone"}) {
    auto old = json_string_field(json, field);
    if (!old) continue;
    JsonWriter before, after;
    before.begin_object().field(field, *old).end_object();
    after.begin_object().field(field, core::kPiiErased).end_object();
    const std::string from = before.take(), to = after.take();
    // "{\"field\":value}" without the braces
    const std::string from_member = from.substr(1, from.size() - 2), to_member = to.substr(1, to.size() - 2);
    if (auto at = json.find(from_member); at != std::string::npos) json.replace(at, from_member.size(), to_member);
  }
  if (!json.ends_with(kErasedFlag) && !json.empty() && json.back() == '}') {
    json.pop_back();
    json += kErasedFlag;
  }
  return json;
}

std::string counterparty_json(const std::string& id, const core::CounterpartyRecord& r, bool masked) {
  JsonWriter w;
  w.begin_object().field("counterparty_id", id).field("kind", core::counterparty_kind_name(r.kind));
  w.key("roles").begin_array();
  if (r.roles.supplier) w.value("supplier");
  if (r.roles.customer) w.value("customer");
  w.end_array().field("name", r.name);
  if (r.kind == core::CounterpartyKind::kEnterprise) {
    w.field("uscc", r.uscc)
        .field("legal_representative", r.legal_representative)
        .field("contact_person", r.contact_person);
  } else {
    w.field("id_number", personal(r.id_number, masked, core::mask_id_number));
  }
  w.field("phone", personal(r.phone, masked, core::mask_phone)).field("address", r.address);
  if (!r.region.empty()) w.field("region", r.region);
  w.end_object();
  std::string json = w.take();
  return r.phone == core::kPiiErased || r.id_number == core::kPiiErased ? erased_json(std::move(json)) : json;
}

class ProductionProjection final : public EventProjection<ProductionProjection, production::Handled, tenant_and_time> {
 public:
  std::string_view name() const override { return "production"; }

 private:
  friend EventProjection;

  void on(const std::string& t, const std::string&, const core::EnterpriseRegistered& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("enterprise_id", e.enterprise_id).field("name", e.name).field("region", e.region).end_object();
    b.put(production::keys::enterprise(t), w.str());
  }

  void put_counterparty(const std::string& t, const std::string& id, const core::CounterpartyRecord& r,
                        ViewBatch& b) {
    b.put(production::keys::counterparty(t, sort_id(id)), counterparty_json(id, r, false));
    b.put(production::keys::counterparty_masked(t, sort_id(id)), counterparty_json(id, r, true));
  }
  void on(const std::string& t, const std::string&, const core::CounterpartyRegistered& e, ViewBatch& b) {
    put_counterparty(t, e.counterparty_id, e.record, b);
  }
  void on(const std::string& t, const std::string&, const core::CounterpartyAmended& e, ViewBatch& b) {
    put_counterparty(t, e.counterparty_id, e.record, b);
  }
  void on(const std::string& t, const std::string&, const core::CounterpartyPersonalDataErased& e, ViewBatch& b) {
    for (const std::string& key : {production::keys::counterparty(t, sort_id(e.counterparty_id)),
                                   production::keys::counterparty_masked(t, sort_id(e.counterparty_id))}) {
      if (auto json = b.get(key)) b.put(key, erased_json(std::move(*json)));
    }
  }

  void put_po(const std::string& t, const std::string& po_id, const std::string& material,
              const std::string& supplier_id, const core::Quantity& q, const std::string& supplier_lot,
              core::Date prod, core::Date exp, const std::string& note, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("po_id", po_id).field("material", material).field("supplier_id", supplier_id);
    write_quantity(w, "quantity", q);
    w.field("supplier_lot", supplier_lot)
        .field("production_date", core::format_date(prod))
        .field("expiry_date", core::format_date(exp))
        .field("note", note)
        .end_object();
    b.put(production::keys::purchase_order(t, sort_id(po_id)), w.str());
  }
  void put_po_status(const std::string& t, const std::string& po_id, std::string_view status,
                     std::string_view lot_id, std::string_view reason, const std::string& at, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("status", status);
    if (!lot_id.empty()) w.field("lot_id", lot_id);
    if (!reason.empty()) w.field("cancel_reason", reason);
    w.field("status_changed_at", at).end_object();
    b.put(production::keys::purchase_order_status(t, sort_id(po_id)), w.str());
  }
  void on(const std::string& t, const std::string& at, const core::PurchaseOrderCreated& e, ViewBatch& b) {
    put_po(t, e.po_id, e.material, e.supplier_id, e.quantity, e.supplier_lot, e.production_date,
           e.expiry_date, e.note, b);
    put_po_status(t, e.po_id, "open", "", "", at, b);
  }
  void on(const std::string& t, const std::string&, const core::PurchaseOrderAmended& e, ViewBatch& b) {
    // The supplier never changes on amendment; keep the one recorded at creation.
    std::string supplier;
    if (auto cur = b.get(production::keys::purchase_order(t, sort_id(e.po_id)))) {
      supplier = json_string_field(*cur, "supplier_id").value_or("");
    }
    put_po(t, e.po_id, e.material, supplier, e.quantity, e.supplier_lot, e.production_date,
           e.expiry_date, e.note, b);
  }
  void on(const std::string& t, const std::string& at, const core::PurchaseOrderCancelled& e, ViewBatch& b) {
    put_po_status(t, e.po_id, "cancelled", "", e.reason, at, b);
  }
  void on(const std::string& t, const std::string& at, const core::PurchaseOrderReceived& e, ViewBatch& b) {
    put_po_status(t, e.po_id, "received", e.lot_id, "", at, b);
    JsonWriter w;
    w.begin_object().field("lot_id", e.lot_id).field("po_id", e.po_id).field("material", e.material)
        .field("supplier_id", e.supplier_id).field("supplier_lot", e.supplier_lot);
    write_quantity(w, "received_quantity", e.quantity);
    w.field("received_on", core::format_date(e.received_on))
        .field("production_date", core::format_date(e.production_date))
        .field("expiry_date", core::format_date(e.expiry_date));
    // Issue 12: customs / import facts, only when recorded (other lots keep their bytes).
    if (!e.customs_declaration_number.empty()) {
      w.field("customs_declaration_number", e.customs_declaration_number)
          .field("origin_country", e.origin_country)
          .field("port_of_entry", e.port_of_entry);
      if (!e.ciq_certificate_number.empty())
        w.field("ciq_certificate_number", e.ciq_certificate_number);
    }
    w.end_object();
    b.put(production::keys::lot(t, sort_id(e.lot_id)), w.str());
  }

  void put_batch(const std::string& t, const std::string& batch_id, const std::string& product,
                 const std::string& lot_code, const core::Quantity& q, core::Date prod,
                 const std::optional<core::Date>& exp, const std::string& note, ViewBatch& b,
                 const std::string& product_id = {}) {
    JsonWriter w;
    w.begin_object().field("batch_id", batch_id).field("product", product).field("lot_code", lot_code);
    if (!product_id.empty()) w.field("product_id", product_id);  // catalogue product
    write_quantity(w, "quantity", q);
    w.field("production_date", core::format_date(prod));
    w.key("expiry_date");
    if (exp) w.value(core::format_date(*exp)); else w.null();
    w.field("note", note).end_object();
    b.put(production::keys::batch(t, sort_id(batch_id)), w.str());
  }
  void on(const std::string& t, const std::string&, const core::BatchCreated& e, ViewBatch& b) {
    put_batch(t, e.batch_id, e.product, e.lot_code, e.quantity, e.production_date, e.expiry_date, e.note, b,
              e.product_id);
    b.put(production::keys::lot_by_code(t, e.lot_code), e.batch_id);
  }
  void on(const std::string& t, const std::string&, const core::BatchAmended& e, ViewBatch& b) {
    std::string lot_code, product_id;
    if (auto cur = b.get(production::keys::batch(t, sort_id(e.batch_id)))) {
      lot_code = json_string_field(*cur, "lot_code").value_or("");
      product_id = json_string_field(*cur, "product_id").value_or("");
    }
    put_batch(t, e.batch_id, e.product, lot_code, e.quantity, e.production_date, e.expiry_date, e.note, b,
              product_id);
  }
  void on(const std::string& t, const std::string&, const core::BatchMaterialConsumed& e, ViewBatch& b) {
    const std::string batch = sort_id(e.batch_id);
    const std::string lot = sort_id(e.lot_id);
    b.add_int(production::keys::batch_input(t, batch, lot), e.quantity.amount);
    b.add_int(production::keys::forward(t, lot, batch), e.quantity.amount);
    b.add_int(production::keys::lot_consumed(t, lot), e.quantity.amount);
  }
  void on(const std::string& t, const std::string& at, const core::BatchDocumentAttached& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object().field("sha256", e.document_sha256).field("kind", core::document_kind_name(e.kind))
        .field("filename", e.filename).field("media_type", e.media_type).field("size_bytes", e.size_bytes)
        .field("attached_at", at).end_object();
    b.put(production::keys::batch_document(t, sort_id(e.batch_id), e.document_sha256), w.str());
  }
};

}  // namespace

std::unique_ptr<Projection> make_production_projection() {
  return std::make_unique<ProductionProjection>();
}

// Events that no view shows, each with its reason: credentials (accounts and API keys, issue 16)
// are checked against the single writer's credential index, updated before a command is
// acknowledged (core/accounts/credentials.h), never against a view that may lag. Bureaus and
// their accounts (issue 13) likewise: a regulator's jurisdiction comes with its session from the
// credential index.
using NoView = EventList<core::UserCreated, core::ApiKeyCreated, core::ApiKeyRotated,
                         core::ApiKeyRevoked, core::BureauRegistered, core::RegulatorUserCreated>;

// A core::Event alternative that no projection declares (and that is not in NoView) fails here,
// naming the type: adding an event means deciding where it is shown.
static_assert(
    every_event_declared<core::Event, production::Handled, sales::Handled, codes::Handled,
                         receiving::Handled, inventory::Handled, finance::Handled, market::Handled,
                         devices::Handled, trace::Handled, payments::Handled, sampling::Handled,
                         complaints::Handled, regulator::Handled,
                         regulator_inspections::Handled, NoView>::value);

std::vector<std::unique_ptr<Projection>> make_all_projections() {
  std::vector<std::unique_ptr<Projection>> all;
  all.push_back(make_production_projection());
  all.push_back(make_sales_projection());
  all.push_back(make_codes_projection());
  all.push_back(make_circulation_projection());
  all.push_back(make_inventory_projection());
  all.push_back(make_finance_projection());
  all.push_back(make_market_projection());
  all.push_back(make_devices_projection());
  all.push_back(make_lineage_projection());
  all.push_back(make_interchange_projection());
  all.push_back(make_payment_projection());
  all.push_back(make_sampling_projection());
  all.push_back(make_complaint_projection());
  all.push_back(make_regulator_projection());
  all.push_back(make_ledger_lines_projection());
  all.push_back(make_regulator_inspection_projection());
  return all;
}

}  // namespace agritrace::projections
