// Commands of receiving by scan or by hand; retail sales are in api/retail/routes.cpp.
// Their views (receipts, stock, trace) are served by api/trace/routes.cpp and
// api/inventory/routes.cpp.
#include "api/http/route_kit.h"
#include "core/sales/commands.h"

namespace agritrace::api {
void register_receiving_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;

  // by scan: one receipt per inbound shipment the codes belong to; all or nothing (422
  // lists every refused code with its reason).
  router.add("POST", "/v1/receipts", "receiveGoods",
             i->command_route("receive_goods", 201, [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
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
             i->command_route("receive_goods_manually", 201, [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
               AGT_CHECK(in.only({"supplier_id", "product", "product_id", "lot_code", "quantity",
                                  "production_date", "expiry_date", "received_on", "price_fen", "note"}));
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
