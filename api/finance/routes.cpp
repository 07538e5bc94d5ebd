// Routes of income and expense.
#include <memory>

#include "api/http/route_kit.h"
#include "core/domain/command.h"
#include "projections/finance/queries.h"

namespace agritrace::api {
namespace {

Result<core::Command> finance_entry_command(const JsonInput& in) {
  AGT_CHECK(in.only({"direction", "amount_fen", "category", "counterparty_id", "document", "date", "note"}));
  core::RecordFinanceEntry c;
  AGT_TRY(direction_name, in.str("direction", 16));
  AGT_SET(c.direction, core::parse_finance_direction(direction_name, "direction"));
  AGT_SET(c.amount_fen, in.i64("amount_fen"));
  AGT_SET(c.category, in.str("category", 64));
  AGT_SET(c.counterparty_id, in.opt_str("counterparty_id", 64));
  AGT_SET(c.document, in.opt_str("document", 256));
  AGT_SET(c.date, opt_date_at(in, "date"));
  AGT_SET(c.note, in.opt_str("note", core::kMaxNoteBytes));
  return core::Command(std::move(c));
}

Result<core::Date> required_query_date(const HttpRequest& req, std::string_view name) {
  AGT_TRY(d, query_date(req, name));
  if (!d) return invalid("field_required", "give " + std::string(name) + " (YYYY-MM-DD)", std::string(name));
  return *d;
}

}  // namespace

void register_finance_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto fin = std::make_shared<projections::FinanceQueries>(kit.views);

  // income and expense
  router.add("POST", "/v1/finance/entries", "recordFinanceEntry",
             i->command_route("record_finance_entry", 201, [](const JsonInput& in, const PathParams&) {
               return finance_entry_command(in);
             }));
  router.add("GET", "/v1/finance/entries", "listFinanceEntries",
             i->query_route([fin](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               projections::FinanceFilter filter;
               AGT_SET(filter.from, query_date(req, "from"));
               AGT_SET(filter.to, query_date(req, "to"));
               if (auto d = req.query_param("direction"); d && !d->empty()) {
                 AGT_SET(filter.direction, core::parse_finance_direction(*d, "direction"));
               }
               filter.category.assign(req.query_param("category").value_or(""));
               return fin->entries(c.tenant, filter, page);
             }));
  router.add("GET", "/v1/finance/statement", "getFinanceStatement",
             i->query_route([fin](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(from, required_query_date(req, "from"));
               AGT_TRY(to, required_query_date(req, "to"));
               return fin->statement(c.tenant, from, to);
             }));
}

}  // namespace agritrace::api
