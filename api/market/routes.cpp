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
  AGT_TRY(producer, in.str("producer_tenant", 32));
  AGT_TRY(product, in.opt_str("product", core::kMaxNameBytes));
  AGT_TRY(product_id, in.opt_str("product_id", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(wanted_by, opt_date_at(in, "wanted_by"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_TRY(price, opt_price_at(in));
  c.price_fen = price;
  c.producer_tenant = producer;
  c.product = product;
  c.product_id = product_id;
  c.quantity = q;
  c.wanted_by = wanted_by;
  c.note = note;
  return core::Command(std::move(c));
}

Result<core::Command> parse_accept(const JsonInput& in, const PathParams& p) {
  AGT_CHECK(in.only({"batch_id", "price_fen", "note"}));
  core::AcceptMarketOrder c;
  AGT_TRY(batch, in.str("batch_id", 64));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_TRY(price, opt_price_at(in));
  c.price_fen = price;
  c.buyer_tenant = path_param(p, "buyer_tenant");
  c.mo_id = path_param(p, "mo_id");
  c.batch_id = batch;
  c.note = note;
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
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               return q->orders(c.tenant, page);
             }));
  router.add("GET", "/v1/market/orders/{mo_id}", "getMarketOrder",
             i->query_route([q](const Caller& c, const PathParams& p, const HttpRequest&) {
               return q->order(c.tenant, path_param(p, "mo_id"));
             }));
  router.add("POST", "/v1/market/orders/{mo_id}/cancel", "cancelMarketOrder",
             i->command_route("cancel_market_order", 200, [](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
               AGT_CHECK(in.only({"reason"}));
               AGT_TRY(reason, in.opt_str("reason", core::kMaxNoteBytes));
               return core::Command(core::CancelMarketOrder{path_param(p, "mo_id"), reason});
             }));

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
             i->tenant_route([i](const HttpRequest& req, const PathParams& p, const Caller& caller, Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto in = JsonInput::parse(req.body);
               if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
               i->submit(req, std::move(respond), caller, "accept_market_order", parse_accept(*in, p), 201,
                         [](JsonWriter& w, const events::CommandOutcome& out) {
                           std::string so_id, customer_id;
                           for (const auto& e : out.events) {
                             if (e.type == core::SalesOrderCreated::kType) so_id = e.subject;
                             if (e.type == core::CounterpartyRegistered::kType) customer_id = e.subject;
                           }
                           w.field("so_id", so_id);
                           w.key("registered_customer_id");
                           if (customer_id.empty()) w.null(); else w.value(customer_id);
                         });
             }));
  router.add("POST", "/v1/market/incoming-orders/{buyer_tenant}/{mo_id}/decline", "declineMarketOrder",
             i->command_route("decline_market_order", 200, [](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
               AGT_CHECK(in.only({"reason"}));
               AGT_TRY(reason, in.str("reason", core::kMaxNoteBytes));
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
