// Commands of receiving by scan or by hand; retail sales are in api/retail/routes.cpp.
// Their views (receipts, stock, trace) are served by api/trace/routes.cpp and
// api/inventory/routes.cpp.
#include "api/http/route_kit.h"
#include "core/receiving/events.h"
#include "core/sales/commands.h"
#include "projections/base/keys.h"
#include "projections/receiving/keys.h"

namespace agritrace::api {
namespace {

// Member "lots" of a receipt's answer: [{"receipt_id","lot_id"}] per receipt the command made, read
// from the receipts view once it holds them (lot_id null if the views have not got there within
// the longest read wait). A retry with the same Idempotency-Key answers the same lots.
void write_receipt_lots(JsonWriter& w, const projections::ViewStore& views,
                        const std::string& tenant, const events::CommandOutcome& out) {
  w.key("lots").begin_array();
  for (const auto& e : out.events) {
    if (e.type != core::GoodsReceived::kType) continue;
    auto rec = views.get(
        projections::receiving::keys::receipt_summary(tenant, projections::sort_id(e.subject)));
    w.begin_object().field("receipt_id", e.subject).key("lot_id");
    const std::string lot = rec ? projections::json_string_field(*rec, "lot_id").value_or("") : "";
    if (lot.empty())
      w.null();
    else
      w.value(lot);
    w.end_object();
  }
  w.end_array();
}

// A receiving command: as RouteKit::command_route, answering the lots it created ("lots").
RouteHandler receipt_route(RouteKit* i, std::string name, RouteKit::CommandParser parse) {
  return i->tenant_route([i, name = std::move(name), parse = std::move(parse)](
                             const HttpRequest& req, const PathParams& params, const Caller& caller,
                             Responder respond) {
    if (i->json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    i->submit(
        req, std::move(respond), caller, name, parse(*in, params), 201,
        [i, tenant = caller.tenant](JsonWriter& w, const events::CommandOutcome& out) {
          write_receipt_lots(w, i->views, tenant, out);
        },
        {}, /*extra_after_views=*/true);
  });
}

}  // namespace

void register_receiving_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;

  // by scan: one receipt per inbound shipment the codes belong to; all or nothing (422
  // lists every refused code with its reason).
  router.add("POST", "/v1/receipts", "receiveGoods",
             receipt_route(i, "receive_goods",
                           [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
                             AGT_CHECK(in.only({"codes", "received_on", "price_fen", "note"}));
                             core::ReceiveGoods c;
                             AGT_SET(c.codes, in.str_array("codes", core::kMaxCodesPerShipment));
                             AGT_SET(c.received_on, opt_date_at(in, "received_on"));
                             AGT_SET(c.price_fen, opt_price_at(in));
                             AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
                             return core::Command(std::move(c));
                           }));

  // by hand: goods without codes, from a supplier counterparty.
  router.add("POST", "/v1/receipts/manual", "receiveGoodsManually",
             receipt_route(i, "receive_goods_manually",
                           [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
                             AGT_CHECK(in.only({"supplier_id", "product", "product_id", "lot_code",
                                                "quantity", "production_date", "expiry_date",
                                                "received_on", "price_fen", "note"}));
                             core::ReceiveGoodsManually c;
                             AGT_SET(c.supplier_id, in.str("supplier_id", 64));
                             AGT_SET(c.product, in.opt_str("product", core::kMaxNameBytes));
                             AGT_SET(c.product_id, in.opt_str("product_id", 64));
                             AGT_SET(c.lot_code, in.opt_str("lot_code", 64));
                             AGT_SET(c.quantity, quantity_at(in, "quantity"));
                             AGT_SET(c.production_date, date_at(in, "production_date"));
                             AGT_SET(c.expiry_date, opt_date_at(in, "expiry_date"));
                             AGT_SET(c.received_on, opt_date_at(in, "received_on"));
                             AGT_SET(c.price_fen, opt_price_at(in));
                             AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
                             return core::Command(std::move(c));
                           }));
}

}  // namespace agritrace::api
