// Commands of retail: a sale to a consumer. Its views (stock, trace, recalls) are served
// by api/inventory/routes.cpp, api/trace/routes.cpp and api/sales/routes.cpp.
#include "api/http/route_kit.h"
#include "core/sales/commands.h"

namespace agritrace::api {
void register_retail_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;

  // retail: a sale to a consumer, by scanned codes or (goods without codes) item and
  // quantity; optional customer record and electronic payment voucher number.
  router.add("POST", "/v1/retail-sales", "recordRetailSale",
             i->command_route("record_retail_sale", 201, [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
               AGT_CHECK(in.only({"codes", "item_id", "quantity", "customer_id", "payment_voucher",
                                  "price_fen", "sold_on", "note"}));
               core::RecordRetailSale c;
               if (in.has("codes")) AGT_SET(c.codes, in.str_array("codes", core::kMaxCodesPerShipment));
               AGT_SET(c.item_id, in.opt_str("item_id", 64));
               if (in.has("quantity")) AGT_SET(c.quantity, quantity_at(in, "quantity"));
               AGT_SET(c.customer_id, in.opt_str("customer_id", 64));
               AGT_SET(c.payment_voucher, in.opt_str("payment_voucher", 64));
               AGT_SET(c.price_fen, opt_price_at(in));
               AGT_SET(c.sold_on, opt_date_at(in, "sold_on"));
               AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
               return core::Command(std::move(c));
             }));
}

}  // namespace agritrace::api
