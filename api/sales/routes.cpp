// Routes of sales and shipping, whereabouts and recalls and downstream
// analytics.
#include <memory>

#include "api/http/route_kit.h"
#include "core/codes/codes.h"
#include "projections/base/keys.h"
#include "projections/sales/queries.h"

namespace agritrace::api {
namespace {

Result<core::CreateSalesOrder> order_fields(const JsonInput& in) {
  AGT_CHECK(in.only({"customer_id", "batch_id", "product", "quantity", "production_date", "expiry_date",
                     "price_fen", "note"}));
  core::CreateSalesOrder c;
  AGT_SET(c.customer_id, in.str("customer_id", 64));
  AGT_SET(c.batch_id, in.str("batch_id", 64));
  AGT_SET(c.product, in.opt_str("product", core::kMaxNameBytes));
  AGT_SET(c.quantity, quantity_at(in, "quantity"));
  AGT_SET(c.production_date, opt_date_at(in, "production_date"));
  AGT_SET(c.expiry_date, opt_date_at(in, "expiry_date"));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_SET(c.price_fen, opt_price_at(in));
  return c;
}

}  // namespace

void register_sales_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto q = std::make_shared<projections::SalesQueries>(kit.views);

  // sales orders
  router.add("POST", "/v1/sales-orders", "createSalesOrder",
             i->command_route("create_sales_order", 201, [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
               AGT_TRY(c, order_fields(in));
               return core::Command(std::move(c));
             }));
  router.add("GET", "/v1/sales-orders", "listSalesOrders",
             i->list_route(q, &projections::SalesQueries::sales_orders));
  router.add("GET", "/v1/sales-orders/{so_id}", "getSalesOrder",
             i->get_route("so_id", q, &projections::SalesQueries::sales_order));
  router.add("PUT", "/v1/sales-orders/{so_id}", "amendSalesOrder",
             i->command_route("amend_sales_order", 200, [](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
               AGT_TRY(c, order_fields(in));
               return core::Command(core::AmendSalesOrder{path_param(p, "so_id"), std::move(c)});
             }));
  router.add("POST", "/v1/sales-orders/{so_id}/cancel", "cancelSalesOrder",
             i->command_route("cancel_sales_order", 200, RouteKit::reason_command<core::CancelSalesOrder>("so_id")));

  // shipping: the scanned codes; all ship or none (422 lists every bad code).
  router.add("POST", "/v1/sales-orders/{so_id}/shipments", "shipSalesOrder",
             i->command_route("ship_sales_order", 201, [](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
               AGT_CHECK(in.only({"codes", "ship_date", "quantity"}));
               core::ShipSalesOrder c{path_param(p, "so_id"), {}, std::nullopt, {}};
               // Goods without codes (a lot received by hand) ship by quantity instead.
               if (in.has("quantity")) AGT_SET(c.quantity, quantity_at(in, "quantity"));
               if (!c.quantity || in.has("codes")) {
                 AGT_SET(c.codes, in.str_array("codes", core::kMaxCodesPerShipment));
               }
               AGT_SET(c.ship_date, opt_date_at(in, "ship_date"));
               return core::Command(std::move(c));
             }));
  router.add("GET", "/v1/shipments/{shipment_id}", "getShipment",
             i->get_route("shipment_id", q, &projections::SalesQueries::shipment));

  // whereabouts: exactly one of code, batch_id, lot_id.
  router.add("GET", "/v1/whereabouts", "getWhereabouts",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               const auto code = req.query_param("code");
               const auto batch = req.query_param("batch_id");
               const auto lot = req.query_param("lot_id");
               if (int(code.has_value()) + int(batch.has_value()) + int(lot.has_value()) != 1) {
                 return invalid("whereabouts_query_invalid", "give exactly one of code, batch_id or lot_id", "code");
               }
               if (batch) return q->whereabouts_batch(c.tenant, *batch);
               if (lot) return q->whereabouts_lot(c.tenant, *lot);
               AGT_TRY(link, core::parse_digital_link(*code));
               return q->whereabouts_code(c.tenant, link.lot, link.serial);
             }));

  // recalls
  router.add("POST", "/v1/recalls", "raiseRecall",
             i->command_route("raise_recall", 201, [](const JsonInput& in, const PathParams&) -> Result<core::Command> {
               AGT_CHECK(in.only({"scope", "id", "reason"}));
               AGT_TRY(scope_name, in.str("scope", 16));
               AGT_TRY(scope, core::parse_recall_scope(scope_name, "scope"));
               AGT_TRY(id, in.str("id", 512));
               AGT_TRY(reason, in.str("reason", core::kMaxNoteBytes));
               return core::Command(core::RaiseRecall{scope, id, reason});
             }));
  router.add("GET", "/v1/recalls", "listRecalls",
             i->list_route(q, &projections::SalesQueries::recalls));
  router.add("GET", "/v1/recalls/{recall_id}", "getRecall",
             i->get_route("recall_id", q, &projections::SalesQueries::recall));
  router.add("GET", "/v1/recalls/{recall_id}/report.csv", "getRecallReport",
             i->tenant_route([i, q](const HttpRequest& req, const PathParams& p, const Caller& c, Responder respond) {
               const std::string id = path_param(p, "recall_id");
               i->with_views(req, std::move(respond), [q, c, id]() {
                 auto csv = q->recall_csv(c.tenant, id);
                 if (!csv.ok()) return problem_from_error(csv.error());
                 HttpResponse resp = text_response(200, std::move(csv).value());
                 resp.content_type = "text/csv; charset=utf-8";
                 resp.headers.emplace_back("Content-Disposition",
                                           "attachment; filename=\"recall-" + id + ".csv\"");
                 return resp;
               });
             }));
  // The recall status of one code (what the resolver shows as gs1:recallStatus).
  router.add("GET", "/v1/recall-status", "getRecallStatus",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               const auto code = req.query_param("code");
               if (!code) return invalid("field_required", "give the code", "code");
               AGT_TRY(link, core::parse_digital_link(*code));
               return q->recall_status(c.tenant, link.lot, link.serial);
             }));

  // downstream analytics
  router.add("GET", "/v1/analytics/downstream", "getDownstreamAnalytics",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               const auto product = req.query_param("product");
               if (!product || product->empty()) return invalid("field_required", "give the product", "product");
               AGT_TRY(from, query_date(req, "from"));
               AGT_TRY(to, query_date(req, "to"));
               const std::string group_by(req.query_param("group_by").value_or("day"));
               if (group_by != "day" && group_by != "region") {
                 return invalid("group_by_invalid", "group_by is day or region", "group_by");
               }
               return q->downstream(c.tenant, *product, from, to, group_by);
             }));
}

}  // namespace agritrace::api
