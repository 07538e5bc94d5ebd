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
  AGT_TRY(kind, core::parse_counterparty_kind(kind_name, "kind"));
  r.kind = kind;
  AGT_TRY(roles, in.str_array("roles", 4));
  for (size_t i = 0; i < roles.size(); ++i) {
    AGT_TRY(next, core::add_counterparty_role(r.roles, roles[i], fmt::format("roles[{}]", i)));
    r.roles = next;
  }
  AGT_TRY(name, in.str("name", core::kMaxNameBytes));
  r.name = name;
  AGT_TRY(uscc, in.opt_str("uscc", 32));
  r.uscc = uscc;
  AGT_TRY(legal, in.opt_str("legal_representative", core::kMaxNameBytes));
  r.legal_representative = legal;
  AGT_TRY(contact, in.opt_str("contact_person", core::kMaxNameBytes));
  r.contact_person = contact;
  AGT_TRY(idn, in.opt_str("id_number", 32));
  r.id_number = idn;
  AGT_TRY(phone, in.opt_str("phone", 32));
  r.phone = phone;
  AGT_TRY(address, in.opt_str("address", core::kMaxTextBytes));
  r.address = address;
  AGT_TRY(region, in.opt_str("region", core::kMaxTextBytes));  // analytics by region
  r.region = region;
  return r;
}

Result<core::Command> parse_register_counterparty(const JsonInput& in) {
  AGT_TRY(r, counterparty_record(in));
  return core::Command(core::RegisterCounterparty{std::move(r)});
}

Result<core::Command> parse_amend_counterparty(const JsonInput& in, const std::string& id) {
  AGT_TRY(r, counterparty_record(in));
  return core::Command(core::AmendCounterparty{id, std::move(r)});
}

Result<core::Command> parse_create_po(const JsonInput& in) {
  AGT_CHECK(in.only({"material", "supplier_id", "quantity", "supplier_lot", "production_date",
                     "expiry_date", "note", "price_fen"}));
  core::CreatePurchaseOrder c;
  AGT_TRY(material, in.str("material", core::kMaxNameBytes));
  AGT_TRY(supplier, in.str("supplier_id", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(lot, in.opt_str("supplier_lot", core::kMaxTextBytes));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.material = material;
  c.supplier_id = supplier;
  c.quantity = q;
  c.supplier_lot = lot;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  AGT_TRY(price, opt_price_at(in));
  c.price_fen = price;
  return core::Command(std::move(c));
}

Result<core::Command> parse_amend_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"material", "quantity", "supplier_lot", "production_date", "expiry_date", "note",
                     "price_fen"}));
  core::AmendPurchaseOrder c;
  c.po_id = id;
  AGT_TRY(material, in.str("material", core::kMaxNameBytes));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(lot, in.opt_str("supplier_lot", core::kMaxTextBytes));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.material = material;
  c.quantity = q;
  c.supplier_lot = lot;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  AGT_TRY(price, opt_price_at(in));
  c.price_fen = price;
  return core::Command(std::move(c));
}

Result<core::Command> parse_cancel_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"reason"}));
  AGT_TRY(reason, in.opt_str("reason", core::kMaxNoteBytes));
  return core::Command(core::CancelPurchaseOrder{id, reason});
}

Result<core::Command> parse_receive_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"quantity", "received_on"}));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(on, date_at(in, "received_on"));
  return core::Command(core::ReceivePurchaseOrder{id, q, on});
}

Result<core::Command> parse_create_batch(const JsonInput& in) {
  AGT_CHECK(in.only({"product", "product_id", "lot_code", "quantity", "production_date", "expiry_date", "note"}));
  core::CreateBatch c;
  // a catalogue product_id may replace the free-text product (or come with it).
  AGT_TRY(product_id, in.opt_str("product_id", 64));
  c.product_id = product_id;
  AGT_TRY(product, product_id.empty() ? in.str("product", core::kMaxNameBytes)
                                      : in.opt_str("product", core::kMaxNameBytes));
  AGT_TRY(lot_code, in.str("lot_code", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, opt_date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.product = product;
  c.lot_code = lot_code;
  c.quantity = q;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  return core::Command(std::move(c));
}

Result<core::Command> parse_amend_batch(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"product", "quantity", "production_date", "expiry_date", "note"}));
  core::AmendBatch c;
  c.batch_id = id;
  AGT_TRY(product, in.str("product", core::kMaxNameBytes));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, opt_date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.product = product;
  c.quantity = q;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
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

  // counterparties
  router.add("POST", "/v1/counterparties", "registerCounterparty",
             i->command_route("register_counterparty", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_register_counterparty(in); }));
  router.add("GET", "/v1/counterparties", "listCounterparties",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               return i->queries.counterparties(c.tenant, page);
             }));
  router.add("GET", "/v1/counterparties/{counterparty_id}", "getCounterparty",
             i->query_route([i](const Caller& c, const PathParams& p, const HttpRequest&) {
               // The enterprise that recorded the counterparty is the owner of its personal data.
               return i->queries.counterparty(c.tenant, path_param(p, "counterparty_id"), true);
             }));
  router.add("PUT", "/v1/counterparties/{counterparty_id}", "amendCounterparty",
             i->command_route("amend_counterparty", 200, [](const JsonInput& in, const PathParams& p) {
               return parse_amend_counterparty(in, path_param(p, "counterparty_id"));
             }));

  // purchase orders
  router.add("POST", "/v1/purchase-orders", "createPurchaseOrder",
             i->command_route("create_purchase_order", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_create_po(in); }));
  router.add("GET", "/v1/purchase-orders", "listPurchaseOrders",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               return i->queries.purchase_orders(c.tenant, page);
             }));
  router.add("GET", "/v1/purchase-orders/{po_id}", "getPurchaseOrder",
             i->query_route([i](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.purchase_order(c.tenant, path_param(p, "po_id"));
             }));
  router.add("PUT", "/v1/purchase-orders/{po_id}", "amendPurchaseOrder",
             i->command_route("amend_purchase_order", 200, [](const JsonInput& in, const PathParams& p) {
               return parse_amend_po(in, path_param(p, "po_id"));
             }));
  router.add("POST", "/v1/purchase-orders/{po_id}/cancel", "cancelPurchaseOrder",
             i->command_route("cancel_purchase_order", 200, [](const JsonInput& in, const PathParams& p) {
               return parse_cancel_po(in, path_param(p, "po_id"));
             }));
  router.add("POST", "/v1/purchase-orders/{po_id}/receive", "receivePurchaseOrder",
             i->command_route("receive_purchase_order", 201, [](const JsonInput& in, const PathParams& p) {
               return parse_receive_po(in, path_param(p, "po_id"));
             }));

  // Material lots (created by receiving a purchase order)
  router.add("GET", "/v1/material-lots/{lot_id}", "getMaterialLot",
             i->query_route([i](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.material_lot(c.tenant, path_param(p, "lot_id"));
             }));
  router.add("GET", "/v1/material-lots/{lot_id}/trace/forward", "traceMaterialLotForward",
             i->query_route([i](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.forward_trace(c.tenant, path_param(p, "lot_id"));
             }));

  // production batches
  router.add("POST", "/v1/batches", "createBatch",
             i->command_route("create_batch", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_create_batch(in); }));
  router.add("GET", "/v1/batches", "listBatches",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               return i->queries.batches(c.tenant, page);
             }));
  router.add("GET", "/v1/batches/{batch_id}", "getBatch",
             i->query_route([i](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.batch(c.tenant, path_param(p, "batch_id"));
             }));
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
             i->query_route([i](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.backward_trace(c.tenant, path_param(p, "batch_id"));
             }));

}

}  // namespace agritrace::api
