// Routes of production–marketing docking: the buyer's market orders and the orders
// placed with a producer (accept / decline). The browse of published products with their newest
// batches is GET /v1/market/products (at the end, served from the codes views). Shipping against an accepted order is
// the production end's POST /v1/sales-orders/{so_id}/shipments.
#include <memory>

#include "api/http/route_kit.h"
#include "projections/codes/queries.h"
#include "projections/market/queries.h"

namespace agritrace::api {
namespace {

Result<core::Command> parse_place(const JsonInput& in) {
  AGT_CHECK(in.only({"producer_tenant", "product", "product_id", "quantity", "price_fen", "wanted_by", "note"}));
  core::PlaceMarketOrder c;
  AGT_SET(c.producer_tenant, in.str("producer_tenant", 32));
  AGT_SET(c.product, in.opt_str("product", core::kMaxNameBytes));
  AGT_SET(c.product_id, in.opt_str("product_id", 64));
  AGT_SET(c.quantity, quantity_at(in, "quantity"));
  AGT_SET(c.wanted_by, opt_date_at(in, "wanted_by"));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_SET(c.price_fen, opt_price_at(in));
  return core::Command(std::move(c));
}

Result<core::Command> parse_accept(const JsonInput& in, const PathParams& p) {
  AGT_CHECK(in.only({"batch_id", "price_fen", "note"}));
  core::AcceptMarketOrder c;
  c.buyer_tenant = path_param(p, "buyer_tenant");
  c.mo_id = path_param(p, "mo_id");
  AGT_SET(c.batch_id, in.str("batch_id", 64));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_SET(c.price_fen, opt_price_at(in));
  return core::Command(std::move(c));
}

}  // namespace

void register_market_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto q = std::make_shared<projections::MarketQueries>(kit.views);

  // ---- the buyer ----
  router.add("POST", "/v1/market/orders", "placeMarketOrder",
             i->command_route("place_market_order", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_place(in); }));
  router.add("GET", "/v1/market/orders", "listMarketOrders",
             i->list_route(q, &projections::MarketQueries::orders));
  router.add("GET", "/v1/market/orders/{mo_id}", "getMarketOrder",
             i->get_route("mo_id", q, &projections::MarketQueries::order));
  router.add("POST", "/v1/market/orders/{mo_id}/cancel", "cancelMarketOrder",
             i->command_route("cancel_market_order", 200, RouteKit::reason_command<core::CancelMarketOrder>("mo_id")));

  // ---- the producer ----
  router.add("GET", "/v1/market/incoming-orders", "listIncomingMarketOrders",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               const std::string status(req.query_param("status").value_or(""));
               if (!status.empty()) AGT_CHECK(projections::check_market_order_status(status));
               return q->incoming_orders(c.tenant, page, status);
             }));
  router.add("GET", "/v1/market/incoming-orders/{buyer_tenant}/{mo_id}", "getIncomingMarketOrder",
             i->query_route([q](const Caller& c, const PathParams& p, const HttpRequest&) {
               return q->incoming_order(c.tenant, path_param(p, "buyer_tenant"), path_param(p, "mo_id"));
             }));
  // Accepting registers the buyer as a customer if needed and opens the sales order to ship
  // against: the answer names it (`so_id`); `id` is the first event's subject.
  router.add("POST", "/v1/market/incoming-orders/{buyer_tenant}/{mo_id}/accept", "acceptMarketOrder",
             i->command_route("accept_market_order", 201, parse_accept,
                              [](JsonWriter& w, const events::CommandOutcome& out) {
                                std::string so_id, customer_id;
                                for (const auto& e : out.events) {
                                  if (e.type == core::SalesOrderCreated::kType) so_id = e.subject;
                                  if (e.type == core::CounterpartyRegistered::kType) customer_id = e.subject;
                                }
                                w.field("so_id", so_id);
                                w.key("registered_customer_id");
                                if (customer_id.empty()) w.null(); else w.value(customer_id);
                              }));
  router.add("POST", "/v1/market/incoming-orders/{buyer_tenant}/{mo_id}/decline", "declineMarketOrder",
             i->command_route("decline_market_order", 200, [](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
               AGT_TRY(reason, reason_only(in, true));
               return core::Command(core::DeclineMarketOrder{path_param(p, "buyer_tenant"), path_param(p, "mo_id"), reason});
             }));

  // ---- the market of published products, served from the codes views ----
  auto published = std::make_shared<projections::CodesQueries>(kit.views);
  router.add("GET", "/v1/market/products", "browseMarket",
             i->query_route([published](const Caller&, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               projections::MarketFilter f;
               f.variety = req.query_param("variety").value_or("");
               f.region = req.query_param("region").value_or("");
               f.producer = req.query_param("producer").value_or("");
               f.since = req.query_param("since").value_or("");
               if (!f.since.empty()) AGT_CHECK(core::parse_date(f.since, "since").status());
               f.produced_since = req.query_param("produced_since").value_or("");
               if (!f.produced_since.empty()) {
                 AGT_CHECK(core::parse_date(f.produced_since, "produced_since").status());
               }
               return published->market(f);
             }));
}

}  // namespace agritrace::api
