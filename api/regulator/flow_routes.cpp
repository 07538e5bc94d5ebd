// Routes of the regulator's ledger lines (issue 13, docs/REGULATOR.md "Statistics and targeted
// supervision"): R-4.5.3 statistics and reporting compliance, R-4.5.4 the ledger line filter and
// the circulation chain. Both roles read (route_policy.cpp, RegulatorRight::kRead); the
// jurisdiction is applied by projections/regulator/flow_queries.h. As on every list route, the page
// cursor is `after_id` (the previous answer's `next_after`) and `after` (or the X-Agritrace-After
// header) is the ledger position a read must include.
#include <charconv>

#include "api/http/route_kit.h"
#include "api/regulator/regulator_route.h"
#include "projections/regulator/flow_queries.h"

namespace agritrace::api {
namespace {

std::optional<std::string> param(const HttpRequest& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  return std::string(*v);
}

bool wants_csv(const HttpRequest& req) {
  if (auto f = req.query_param("format")) return *f == "csv";
  auto accept = req.header("Accept");
  return accept && accept->find("text/csv") != std::string_view::npos;
}

Result<projections::FlowFormat> format_of(const HttpRequest& req) {
  if (auto f = req.query_param("format"); f && *f != "csv" && *f != "json") {
    return invalid("format_invalid", "format must be json or csv", "format");
  }
  return wants_csv(req) ? projections::FlowFormat::kCsv : projections::FlowFormat::kJson;
}

Result<projections::FlowPage> page_of(const HttpRequest& req) {
  projections::FlowPage page;
  AGT_TRY(limit, query_int(req, "limit", 1, 500, 50));
  page.limit = static_cast<uint32_t>(limit);
  if (auto a = param(req, "after_id")) page.after = *a;
  return page;
}

Result<projections::StatisticsQuery> statistics_query(const HttpRequest& req, Env& env) {
  projections::StatisticsQuery q;
  q.division = param(req, "division");
  AGT_SET(q.from, query_date(req, "from"));
  AGT_SET(q.to, query_date(req, "to"));
  if (auto p = req.query_param("period"); p && !p->empty()) {
    if (*p != "month" && *p != "day") {
      return invalid("period_invalid", "period must be month or day", "period");
    }
    q.by_day = *p == "day";
  }
  AGT_SET(q.silent_days, query_int(req, "silent_days", 1, 3650, 7));
  q.now_ms = env.now_ms();
  return q;
}

HttpResponse answer(const Result<std::string>& r, projections::FlowFormat format,
                    const std::string& filename) {
  if (!r.ok()) return problem_from_error(r.error());
  if (format == projections::FlowFormat::kJson) return json_response(200, *r);
  HttpResponse resp = text_response(200, *r);
  resp.content_type = "text/csv; charset=utf-8";
  resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + ".csv\"");
  return resp;
}

// A regulator read (the guard of regulator_route), once the views include `after`.
RouteHandler flow_route(RouteKit* i,
                        std::function<HttpResponse(const HttpRequest&, const Principal&)> fn) {
  return regulator_route([i, fn = std::move(fn)](const HttpRequest& req, const PathParams&,
                                                 const Principal& p, Responder respond) {
    i->with_views(req, std::move(respond), [fn, req, p] { return fn(req, p); });
  });
}

}  // namespace

void register_regulator_flow_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  router.add(
      "GET", "/v1/regulator/ledger-lines", "listRegulatorLedgerLines",
      flow_route(i, [i](const HttpRequest& req, const Principal& p) {
        auto run = [&]() -> Result<std::string> {
          projections::FlowFilter f;
          f.division = param(req, "division");
          f.origin = param(req, "origin");
          f.product = param(req, "product");
          f.batch = param(req, "batch");
          if (auto d = param(req, "direction")) {
            f.direction = projections::regulator::parse_direction(*d);
            if (!f.direction) {
              return invalid("direction_invalid",
                             "direction must be produced, in, out, sold, written_off or consumed",
                             "direction");
            }
          }
          AGT_SET(f.from, query_date(req, "from"));
          AGT_SET(f.to, query_date(req, "to"));
          AGT_TRY(page, page_of(req));
          AGT_TRY(format, format_of(req));
          return projections::ledger_lines(i->views, regulator_viewer(p, i->env), f, page, format);
        };
        auto format = format_of(req);
        return answer(run(), format.ok() ? *format : projections::FlowFormat::kJson,
                      "ledger-lines");
      }));
  router.add("GET", "/v1/regulator/chain", "getRegulatorChain",
             flow_route(i, [i](const HttpRequest& req, const Principal& p) {
               auto run = [&]() -> Result<std::string> {
                 AGT_TRY(from, query_date(req, "from"));
                 AGT_TRY(to, query_date(req, "to"));
                 return projections::flow_chain(i->views, regulator_viewer(p, i->env),
                                                param(req, "product").value_or(""),
                                                param(req, "batch").value_or(""), from, to);
               };
               return answer(run(), projections::FlowFormat::kJson, "chain");
             }));
  router.add(
      "GET", "/v1/regulator/statistics", "getRegulatorStatistics",
      flow_route(i, [i](const HttpRequest& req, const Principal& p) {
        auto run = [&]() -> Result<std::string> {
          AGT_TRY(q, statistics_query(req, i->env));
          AGT_TRY(format, format_of(req));
          return projections::flow_statistics(i->views, regulator_viewer(p, i->env), q, format);
        };
        auto format = format_of(req);
        return answer(run(), format.ok() ? *format : projections::FlowFormat::kJson, "statistics");
      }));
  router.add("GET", "/v1/regulator/statistics/enterprises", "listRegulatorEnterpriseStatistics",
             flow_route(i, [i](const HttpRequest& req, const Principal& p) {
               auto run = [&]() -> Result<std::string> {
                 AGT_TRY(q, statistics_query(req, i->env));
                 AGT_TRY(page, page_of(req));
                 AGT_TRY(format, format_of(req));
                 return projections::flow_enterprises(i->views, regulator_viewer(p, i->env), q,
                                                      page, format);
               };
               auto format = format_of(req);
               return answer(run(), format.ok() ? *format : projections::FlowFormat::kJson,
                             "enterprise-statistics");
             }));
  router.add(
      "GET", "/v1/regulator/compliance", "getRegulatorCompliance",
      flow_route(i, [i](const HttpRequest& req, const Principal& p) {
        auto run = [&]() -> Result<std::string> {
          AGT_TRY(q, statistics_query(req, i->env));
          AGT_TRY(format, format_of(req));
          return projections::flow_compliance(i->views, regulator_viewer(p, i->env), q, format);
        };
        auto format = format_of(req);
        return answer(run(), format.ok() ? *format : projections::FlowFormat::kJson, "compliance");
      }));
}

}  // namespace agritrace::api
