// Routes of the production end's first slice: counterparties, purchase orders
// material lots, production batches and their traces.
#include "api/http/route_kit.h"

namespace agritrace::api {
namespace {

Result<core::CounterpartyRecord> counterparty_record(const JsonInput& in) {
  AGT_CHECK(in.only({"kind", "roles", "name", "uscc", "legal_representative", "contact_person",
                     "id_number", "phone", "address", "region"}));
  core::CounterpartyRecord r;
  AGT_TRY(kind_name, in.str("kind", 16));
  AGT_SET(r.kind, core::parse_counterparty_kind(kind_name, "kind"));
  AGT_TRY(roles, in.str_array("roles", 4));
  for (size_t i = 0; i < roles.size(); ++i) {
    AGT_SET(r.roles, core::add_counterparty_role(r.roles, roles[i], fmt::format("roles[{}]", i)));
  }
  AGT_SET(r.name, in.str("name", core::kMaxNameBytes));
  AGT_SET(r.uscc, in.opt_str("uscc", 32));
  AGT_SET(r.legal_representative, in.opt_str("legal_representative", core::kMaxNameBytes));
  AGT_SET(r.contact_person, in.opt_str("contact_person", core::kMaxNameBytes));
  AGT_SET(r.id_number, in.opt_str("id_number", 32));
  AGT_SET(r.phone, in.opt_str("phone", 32));
  AGT_SET(r.address, in.opt_str("address", core::kMaxTextBytes));
  AGT_SET(r.region, in.opt_str("region", core::kMaxTextBytes));  // analytics by region
  return r;
}

// The fields a purchase order is created and amended with (the supplier is fixed at creation),
// read in the order of the request's documentation.
template <class PurchaseOrder>
Status purchase_order_fields(const JsonInput& in, PurchaseOrder& c) {
  AGT_SET(c.material, in.str("material", core::kMaxNameBytes));
  if constexpr (requires { c.supplier_id; }) AGT_SET(c.supplier_id, in.str("supplier_id", 64));
  AGT_SET(c.quantity, quantity_at(in, "quantity"));
  AGT_SET(c.supplier_lot, in.opt_str("supplier_lot", core::kMaxTextBytes));
  AGT_SET(c.production_date, date_at(in, "production_date"));
  AGT_SET(c.expiry_date, date_at(in, "expiry_date"));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_SET(c.price_fen, opt_price_at(in));
  return Status::Ok();
}

// Issue 12: the optional "customs" object of imported goods (validated by core::validate_customs).
Result<core::CustomsInfo> customs_at(const JsonInput& in) {
  core::CustomsInfo c;
  if (!in.has("customs")) return c;
  AGT_TRY(o, in.object("customs"));
  AGT_CHECK(
      o.only({"declaration_number", "origin_country", "port_of_entry", "ciq_certificate_number"}));
  AGT_SET(c.declaration_number, o.opt_str("declaration_number", 32));
  AGT_SET(c.origin_country, o.opt_str("origin_country", 8));
  AGT_SET(c.port_of_entry, o.opt_str("port_of_entry", 64));
  AGT_SET(c.ciq_certificate_number, o.opt_str("ciq_certificate_number", 32));
  return c;
}

Result<core::Command> parse_create_po(const JsonInput& in) {
  AGT_CHECK(in.only({"material", "supplier_id", "quantity", "supplier_lot", "production_date",
                     "expiry_date", "note", "price_fen", "customs"}));
  core::CreatePurchaseOrder c;
  AGT_CHECK(purchase_order_fields(in, c));
  AGT_SET(c.customs, customs_at(in));
  return core::Command(std::move(c));
}

Result<core::Command> parse_amend_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"material", "quantity", "supplier_lot", "production_date", "expiry_date", "note",
                     "price_fen"}));
  core::AmendPurchaseOrder c;
  c.po_id = id;
  AGT_CHECK(purchase_order_fields(in, c));
  return core::Command(std::move(c));
}

Result<core::Command> parse_receive_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"quantity", "received_on", "customs"}));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(on, date_at(in, "received_on"));
  AGT_TRY(customs, customs_at(in));
  return core::Command(core::ReceivePurchaseOrder{id, q, on, customs});
}

// The fields after the product that a batch is created and amended with.
template <class Batch>
Status batch_fields(const JsonInput& in, Batch& c) {
  AGT_SET(c.quantity, quantity_at(in, "quantity"));
  AGT_SET(c.production_date, date_at(in, "production_date"));
  AGT_SET(c.expiry_date, opt_date_at(in, "expiry_date"));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  return Status::Ok();
}

Result<core::Command> parse_create_batch(const JsonInput& in) {
  AGT_CHECK(in.only({"product", "product_id", "lot_code", "quantity", "production_date", "expiry_date", "note"}));
  core::CreateBatch c;
  // a catalogue product_id may replace the free-text product (or come with it).
  AGT_SET(c.product_id, in.opt_str("product_id", 64));
  AGT_SET(c.product, c.product_id.empty() ? in.str("product", core::kMaxNameBytes)
                                          : in.opt_str("product", core::kMaxNameBytes));
  AGT_SET(c.lot_code, in.str("lot_code", 64));
  AGT_CHECK(batch_fields(in, c));
  return core::Command(std::move(c));
}

Result<core::Command> parse_amend_batch(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"product", "quantity", "production_date", "expiry_date", "note"}));
  core::AmendBatch c;
  c.batch_id = id;
  AGT_SET(c.product, in.str("product", core::kMaxNameBytes));
  AGT_CHECK(batch_fields(in, c));
  return core::Command(std::move(c));
}

Result<core::Command> parse_consume(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"lot_id", "quantity"}));
  AGT_TRY(lot, in.str("lot_id", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  return core::Command(core::ConsumeMaterial{id, lot, q});
}

}  // namespace

void register_production_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  const projections::ProductionQueries* q = &kit.queries;

  // counterparties
  router.add("POST", "/v1/counterparties", "registerCounterparty",
             i->command_route("register_counterparty", 201, [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
               AGT_TRY(r, counterparty_record(in));
               return core::Command(core::RegisterCounterparty{std::move(r)});
             }));
  router.add("GET", "/v1/counterparties", "listCounterparties",
             i->list_route(q, &projections::ProductionQueries::counterparties));
  router.add("GET", "/v1/counterparties/{counterparty_id}", "getCounterparty",
             i->get_route("counterparty_id", q,
                          [](const projections::ProductionQueries& queries, std::string_view tenant, std::string_view id) {
                            // The enterprise that recorded the counterparty owns its personal data.
                            return queries.counterparty(tenant, id, true);
                          }));
  router.add("PUT", "/v1/counterparties/{counterparty_id}", "amendCounterparty",
             i->command_route("amend_counterparty", 200, [](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
               AGT_TRY(r, counterparty_record(in));
               return core::Command(core::AmendCounterparty{path_param(p, "counterparty_id"), std::move(r)});
             }));
  // Issue 16: personal-information deletion on request. The ID number and phone become unreadable
  // everywhere (ledger, views, replays) by destroying the counterparty's data key; the hash chain
  // is untouched. Body {"reason"} (optional). Which role may ask is the access policy's decision.
  router.add("POST", "/v1/counterparties/{counterparty_id}/personal-data/erase", "erasePersonalData",
             i->command_route("erase_personal_data", 200, RouteKit::reason_command<core::ErasePersonalData>("counterparty_id"),
                              {}, true));

  // purchase orders
  router.add("POST", "/v1/purchase-orders", "createPurchaseOrder",
             i->command_route("create_purchase_order", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_create_po(in); }));
  router.add("GET", "/v1/purchase-orders", "listPurchaseOrders",
             i->list_route(q, &projections::ProductionQueries::purchase_orders));
  router.add("GET", "/v1/purchase-orders/{po_id}", "getPurchaseOrder",
             i->get_route("po_id", q, &projections::ProductionQueries::purchase_order));
  router.add("PUT", "/v1/purchase-orders/{po_id}", "amendPurchaseOrder",
             i->command_route("amend_purchase_order", 200, [](const JsonInput& in, const PathParams& p) {
               return parse_amend_po(in, path_param(p, "po_id"));
             }));
  router.add("POST", "/v1/purchase-orders/{po_id}/cancel", "cancelPurchaseOrder",
             i->command_route("cancel_purchase_order", 200, RouteKit::reason_command<core::CancelPurchaseOrder>("po_id")));
  router.add("POST", "/v1/purchase-orders/{po_id}/receive", "receivePurchaseOrder",
             i->command_route("receive_purchase_order", 201, [](const JsonInput& in, const PathParams& p) {
               return parse_receive_po(in, path_param(p, "po_id"));
             }));

  // Material lots (created by receiving a purchase order)
  router.add("GET", "/v1/material-lots/{lot_id}", "getMaterialLot",
             i->get_route("lot_id", q, &projections::ProductionQueries::material_lot));
  router.add("GET", "/v1/material-lots/{lot_id}/trace/forward", "traceMaterialLotForward",
             i->get_route("lot_id", q, &projections::ProductionQueries::forward_trace));

  // production batches
  router.add("POST", "/v1/batches", "createBatch",
             i->command_route("create_batch", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_create_batch(in); }));
  router.add("GET", "/v1/batches", "listBatches",
             i->list_route(q, &projections::ProductionQueries::batches));
  router.add("GET", "/v1/batches/{batch_id}", "getBatch",
             i->get_route("batch_id", q, &projections::ProductionQueries::batch));
  router.add("PUT", "/v1/batches/{batch_id}", "amendBatch",
             i->command_route("amend_batch", 200, [](const JsonInput& in, const PathParams& p) {
               return parse_amend_batch(in, path_param(p, "batch_id"));
             }));
  router.add("POST", "/v1/batches/{batch_id}/materials", "consumeMaterial",
             i->command_route("consume_material", 201, [](const JsonInput& in, const PathParams& p) {
               return parse_consume(in, path_param(p, "batch_id"));
             }));
  router.add("POST", "/v1/batches/{batch_id}/documents", "attachDocument",
             i->tenant_route([i](const HttpRequest& req, const PathParams& p, const Caller& c, Responder r) {
               i->attach_document(req, p, c, std::move(r));
             }));
  router.add("GET", "/v1/batches/{batch_id}/trace/backward", "traceBatchBackward",
             i->get_route("batch_id", q, &projections::ProductionQueries::backward_trace));
}

}  // namespace agritrace::api
