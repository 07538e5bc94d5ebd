// Routes of receipts (R-4.3.2, the views; receiving itself is in api/receiving/routes.cpp) and of
// tracing across enterprises: a received lot's backward trace and one code's path.
// Whereabouts, recalls and the batch/lot traces keep their routes (api/sales/routes.cpp,
// api/production/routes.cpp) and follow the goods through every enterprise too.
#include <memory>

#include "api/http/route_kit.h"
#include "projections/trace/queries.h"

namespace agritrace::api {

void register_trace_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto q = std::make_shared<projections::TraceQueries>(kit.views);

  router.add("GET", "/v1/receipts", "listReceipts",
             i->list_route(q, &projections::TraceQueries::receipts));
  router.add("GET", "/v1/receipts/{receipt_id}", "getReceipt",
             i->get_route("receipt_id", q, &projections::TraceQueries::receipt));
  router.add("GET", "/v1/material-lots/{lot_id}/trace/backward", "traceMaterialLotBackward",
             i->get_route("lot_id", q, &projections::TraceQueries::lot_backward));
  // For investigators: the full path of one code (answered only to an enterprise it passed).
  router.add("GET", "/v1/trace/code", "traceCode",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               const auto code = req.query_param("code");
               if (!code || code->empty()) return invalid("field_required", "give the code", "code");
               return q->code(c.tenant, *code);
             }));
}

}  // namespace agritrace::api
