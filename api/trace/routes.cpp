// Routes of receipts (R-4.3.2, the views; receiving itself is in api/receiving/routes.cpp) and of
// tracing across enterprises: a received lot's backward trace and one code's path.
// Whereabouts, recalls and the batch/lot traces keep their routes (api/sales/routes.cpp,
// api/production/routes.cpp) and follow the goods through every enterprise too.
#include <memory>

#include "api/http/route_kit.h"
#include "projections/trace/lineage.h"
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
  // The lineage read model (issue 11): where every part of an item's goods is now, in every
  // enterprise, with counts; what it was made from; a recall's reach. A few precomputed reads each.
  auto lineage = std::make_shared<projections::LineageQueries>(kit.views);
  auto one_item = [](const HttpRequest& req) -> Result<std::string> {
    const auto batch = req.query_param("batch_id");
    const auto lot = req.query_param("lot_id");
    if (int(batch.has_value()) + int(lot.has_value()) != 1) {
      return invalid("trace_query_invalid", "give exactly one of batch_id or lot_id", "lot_id");
    }
    const std::string id(batch ? *batch : *lot);
    if (id.empty()) return invalid("field_required", "give the item id", batch ? "batch_id" : "lot_id");
    if (batch ? !id.starts_with("b-") : !id.starts_with("lot-")) {
      return invalid("item_id_invalid", batch ? "a batch id looks like b-N" : "a lot id looks like lot-N",
                     batch ? "batch_id" : "lot_id");
    }
    return id;
  };
  router.add("GET", "/v1/trace/forward", "traceForward",
             i->query_route([lineage, one_item](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(id, one_item(req));
               return lineage->forward(c.tenant, c.tenant, id);
             }));
  router.add("GET", "/v1/trace/backward", "traceBackward",
             i->query_route([lineage, one_item](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(id, one_item(req));
               return lineage->backward(c.tenant, c.tenant, id);
             }));
  router.add("GET", "/v1/recalls/{recall_id}/lineage", "getRecallLineage",
             i->get_route("recall_id", lineage, &projections::LineageQueries::recall));

  // For investigators: the full path of one code (answered only to an enterprise it passed).
  router.add("GET", "/v1/trace/code", "traceCode",
             i->query_route([q](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               const auto code = req.query_param("code");
               if (!code || code->empty()) return invalid("field_required", "give the code", "code");
               return q->code(c.tenant, *code);
             }));
}

}  // namespace agritrace::api
