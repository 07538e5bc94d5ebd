// Routes of inventory and stocktakes; income and expense are in api/finance/routes.cpp.
#include <memory>

#include "api/http/route_kit.h"
#include "core/domain/command.h"
#include "projections/inventory/queries.h"

namespace agritrace::api {
namespace {

// A stocktake counts at most this many items (the rules say so too; this bounds the parsing).
constexpr size_t kMaxCounts = 1000;

// A counted quantity may be zero (nothing left), which parse_quantity refuses; a negative one is
// handed to the rules, which refuse it with the field's path (stock never goes negative).
Result<core::Quantity> counted_at(const JsonInput& in, std::string_view key) {
  const std::string path = in.path() + "." + std::string(key);
  AGT_TRY(q, in.object(key));
  AGT_CHECK(q.only({"amount", "unit"}));
  AGT_TRY(amount, q.i64("amount"));
  AGT_TRY(unit, q.str("unit", 16));
  if (amount > 0) return core::parse_quantity(amount, unit, path);
  AGT_TRY(one, core::parse_quantity(1, unit, path));
  return core::Quantity{amount, one.unit};
}

Result<core::Command> stocktake_command(const JsonInput& in) {
  AGT_CHECK(in.only({"taken_on", "note", "counts"}));
  core::RecordStocktake c;
  AGT_SET(c.taken_on, opt_date_at(in, "taken_on"));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  AGT_TRY(counts, in.object_array("counts", kMaxCounts));
  for (const JsonInput& line : counts) {
    AGT_CHECK(line.only({"item_id", "counted", "reason"}));
    AGT_TRY(item_id, line.str("item_id", 64));
    AGT_TRY(counted, counted_at(line, "counted"));
    AGT_TRY(reason, line.opt_str("reason", core::kMaxNoteBytes));
    c.counts.push_back(core::StocktakeCount{item_id, counted, reason});
  }
  return core::Command(std::move(c));
}

}  // namespace

void register_inventory_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto inv = std::make_shared<projections::InventoryQueries>(kit.views);

  // stock per item, movements, stocktakes
  router.add("GET", "/v1/inventory", "listInventory",
             i->query_route([inv](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               projections::InventoryFilter filter;
               if (auto s = req.query_param("in_stock")) {
                 if (*s != "true" && *s != "false") {
                   return invalid("in_stock_invalid", "in_stock is true or false", "in_stock");
                 }
                 filter.in_stock = *s == "true";
               }
               filter.product.assign(req.query_param("product").value_or(""));
               return inv->items(c.tenant, filter, page);
             }));
  router.add("GET", "/v1/inventory/{item_id}", "getInventoryItem",
             i->get_route("item_id", inv, &projections::InventoryQueries::item));
  router.add("GET", "/v1/inventory/{item_id}/movements", "listInventoryMovements",
             i->query_route([inv](const Caller& c, const PathParams& p, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               return inv->movements(c.tenant, path_param(p, "item_id"), page);
             }));
  router.add("POST", "/v1/stocktakes", "recordStocktake",
             i->command_route("record_stocktake", 201, [](const JsonInput& in, const PathParams&) {
               return stocktake_command(in);
             }));
  router.add("GET", "/v1/stocktakes", "listStocktakes",
             i->list_route(inv, &projections::InventoryQueries::stocktakes));
  router.add("GET", "/v1/stocktakes/{stocktake_id}", "getStocktake",
             i->get_route("stocktake_id", inv, &projections::InventoryQueries::stocktake));
}

}  // namespace agritrace::api
