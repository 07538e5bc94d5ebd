// Routes of the catalogue and main varieties, trace codes with their downloads
// the public GS1 Digital Link resolver (R-4.4.1 groundwork) and product publishing
// (R-4.2.9; the market browse of published products is in api/market/routes.cpp).
#include <simdjson.h>

#include <memory>

#include "api/codes/code_images.h"
#include "api/http/route_kit.h"
#include "api/public/scan_page.h"
#include "core/codes/codes.h"
#include "projections/base/keys.h"
#include "projections/codes/queries.h"
#include "projections/sales/queries.h"

namespace agritrace::api {
namespace {

constexpr int64_t kMaxCsvCodes = 10'000;  // per download; larger runs are paged (?offset=&limit=)
constexpr int64_t kMaxTarCodes = 10'000;
constexpr int64_t kMaxSvgCodes = 1'000;   // an SVG sheet of 1,000 codes is already ~10 MB
constexpr int32_t kResolverWaitMs = 2'000;

Result<core::Command> parse_main_varieties(const JsonInput& in) {
  AGT_CHECK(in.only({"product_ids"}));
  AGT_TRY(ids, in.str_array("product_ids", 200));
  return core::Command(core::SetMainVarieties{std::move(ids)});
}

Result<core::Command> parse_code_template(const JsonInput& in) {
  AGT_CHECK(in.only({"name", "product_id", "gtin", "base_url", "serial_format", "packaging_level",
                     "quantity_per_code"}));
  core::CreateCodeTemplate c;
  AGT_TRY(name, in.str("name", core::kMaxNameBytes));
  AGT_TRY(product_id, in.opt_str("product_id", 64));
  AGT_TRY(gtin, in.opt_str("gtin", 14));
  AGT_TRY(base_url, in.str("base_url", core::kMaxBaseUrlBytes));
  AGT_TRY(format_name, in.opt_str("serial_format", 16));
  AGT_TRY(level_name, in.opt_str("packaging_level", 16));
  AGT_TRY(q, quantity_at(in, "quantity_per_code"));
  c.name = name;
  c.product_id = product_id;
  c.gtin = gtin;
  c.base_url = base_url;
  if (!format_name.empty()) {
    AGT_TRY(f, core::parse_serial_format(format_name, "serial_format"));
    c.serial_format = f;
  }
  if (!level_name.empty()) {
    AGT_TRY(l, core::parse_packaging_level(level_name, "packaging_level"));
    c.packaging_level = l;
  }
  c.quantity_per_code = q;
  return core::Command(std::move(c));
}

Result<core::Command> parse_generate(const JsonInput& in, Env& env) {
  AGT_CHECK(in.only({"template_id", "batch_id", "count"}));
  AGT_TRY(template_id, in.str("template_id", 64));
  AGT_TRY(batch_id, in.str("batch_id", 64));
  AGT_TRY(count, in.i64("count"));
  if (count < 1 || count > core::kMaxCodesPerRun) {
    return invalid("code_count_invalid", fmt::format("count must be 1..{}", core::kMaxCodesPerRun), "count");
  }
  core::GenerateCodes c;
  c.template_id = template_id;
  c.batch_id = batch_id;
  c.count = count;
  // >= 64 bits per serial from the Env's CSPRNG, drawn here so that decide stays pure.
  c.random_bytes.resize(static_cast<size_t>(count) * core::kSerialRandomBytes);
  if (Status s = env.random_bytes(c.random_bytes.data(), c.random_bytes.size()); !s.ok()) return s.error();
  return core::Command(std::move(c));
}

Result<core::Command> parse_publish(const JsonInput& in) {
  AGT_CHECK(in.only({"product_id", "description"}));
  AGT_TRY(product_id, in.str("product_id", 64));
  AGT_TRY(description, in.opt_str("description", core::kMaxNoteBytes));
  return core::Command(core::PublishProduct{product_id, description});
}

Result<std::pair<int64_t, int64_t>> offset_limit(const HttpRequest& req, int64_t max_limit) {
  int64_t offset = 0, limit = max_limit;
  auto read = [&](std::string_view name, int64_t lo, int64_t hi, int64_t* out) -> Status {
    auto v = req.query_param(name);
    if (!v) return Status::Ok();
    int64_t n = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || n < lo || n > hi) {
      return invalid(std::string(name) + "_invalid", fmt::format("{} must be {}..{}", name, lo, hi), std::string(name));
    }
    *out = n;
    return Status::Ok();
  };
  AGT_CHECK(read("offset", 0, core::kMaxCodesPerRun, &offset));
  AGT_CHECK(read("limit", 1, max_limit, &limit));
  return std::make_pair(offset, limit);
}

HttpResponse download(std::string content_type, std::string filename, std::string body) {
  HttpResponse r;
  r.status = 200;
  r.content_type = std::move(content_type);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.body = std::move(body);
  return r;
}

std::string linkset(const std::string& self) {
  JsonWriter w;
  w.begin_object().key("linkset").begin_array().begin_object().field("anchor", self);
  w.key("https://gs1.org/voc/pip").begin_array().begin_object().field("href", self + "?linkType=gs1:pip")
      .field("title", "产品信息").field("type", "text/html").key("hreflang").begin_array().value("zh-CN").end_array()
      .end_object().end_array();
  w.key("https://gs1.org/voc/traceability").begin_array().begin_object()
      .field("href", self + "?linkType=gs1:traceability").field("title", "追溯信息")
      .field("type", "application/json").end_object().end_array();
  w.key("https://gs1.org/voc/certificationInfo").begin_array().begin_object()
      .field("href", self + "?linkType=gs1:certificationInfo").field("title", "检验报告")
      .field("type", "application/json").end_object().end_array();
  w.end_object().end_array().end_object();
  return w.take();
}

std::string link_header(const std::string& self) {
  return fmt::format(
      "<{0}?linkType=gs1:pip>; rel=\"gs1:pip\"; type=\"text/html\"; hreflang=\"zh-CN\", "
      "<{0}?linkType=gs1:traceability>; rel=\"gs1:traceability\"; type=\"application/json\", "
      "<{0}?linkType=gs1:certificationInfo>; rel=\"gs1:certificationInfo\"; type=\"application/json\", "
      "<{0}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"",
      self);
}

bool wants_json(const HttpRequest& req) {
  auto accept = req.header("Accept");
  return accept && accept->find("application/json") != std::string_view::npos &&
         accept->find("text/html") == std::string_view::npos;
}

}  // namespace

void register_codes_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto codes = std::make_shared<projections::CodesQueries>(kit.views);

  // ---- catalogue and main varieties ----
  router.add("GET", "/v1/catalogue", "listCatalogue",
             i->query_route([codes](const Caller&, const PathParams&, const HttpRequest& req) {
               return codes->catalogue(req.query_param("category").value_or(""));
             }));
  router.add("PUT", "/v1/enterprise/main-varieties", "setMainVarieties",
             i->command_route("set_main_varieties", 200,
                              [](const JsonInput& in, const PathParams&) { return parse_main_varieties(in); }));
  router.add("GET", "/v1/enterprise/main-varieties", "getMainVarieties",
             i->query_route([codes](const Caller& c, const PathParams&, const HttpRequest&) {
               return codes->main_varieties(c.tenant);
             }));

  // ---- code templates, runs, codes ----
  router.add("POST", "/v1/code-templates", "createCodeTemplate",
             i->command_route("create_code_template", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_code_template(in); }));
  router.add("GET", "/v1/code-templates", "listCodeTemplates",
             i->list_route(codes, &projections::CodesQueries::code_templates));
  router.add("GET", "/v1/code-templates/{template_id}", "getCodeTemplate",
             i->get_route("template_id", codes, &projections::CodesQueries::code_template));
  router.add("POST", "/v1/code-runs", "generateCodes",
             i->command_route("generate_codes", 201,
                              [i](const JsonInput& in, const PathParams&) { return parse_generate(in, i->env); }));
  router.add("GET", "/v1/code-runs", "listCodeRuns",
             i->list_route(codes, &projections::CodesQueries::code_runs));
  router.add("GET", "/v1/code-runs/{run_id}", "getCodeRun",
             i->get_route("run_id", codes, &projections::CodesQueries::code_run));

  // Downloads. Each wraps a page of the run (?offset=&limit=) in a file.
  auto download_route = [i, codes](int64_t max_limit,
                                       std::function<Result<HttpResponse>(const projections::RunCodes&)> make) {
    return i->tenant_route([i, codes, max_limit, make](const HttpRequest& req, const PathParams& p,
                                                           const Caller& c, Responder respond) {
      i->with_views(req, std::move(respond), [=]() -> HttpResponse {
        auto range = offset_limit(req, max_limit);
        if (!range.ok()) return problem_from_error(range.error());
        auto run = codes->run_codes(c.tenant, path_param(p, "run_id"), range->first, range->second);
        if (!run.ok()) return problem_from_error(run.error());
        auto resp = make(*run);
        if (!resp.ok()) return problem_from_error(resp.error());
        resp->headers.emplace_back("X-Total-Count", std::to_string(run->total));
        return std::move(resp).value();
      });
    });
  };
  router.add("GET", "/v1/code-runs/{run_id}/codes.csv", "downloadCodesCsv",
             download_route(kMaxCsvCodes, [](const projections::RunCodes& run) -> Result<HttpResponse> {
               std::string csv = "serial,uri,gtin,lot,run_id,batch_id,status\r\n";
               for (const auto& code : run.codes) {
                 csv += fmt::format("{},{},{},{},{},{},{}\r\n", code.serial,
                                    core::format_digital_link(run.base_url, run.gtin14, run.lot_code, code.serial),
                                    run.gtin14, run.lot_code, run.run_id, run.batch_id,
                                    code.disabled ? "disabled" : "active");
               }
               return download("text/csv; charset=utf-8", run.run_id + "-" + std::to_string(run.offset) + ".csv",
                               std::move(csv));
             }));
  router.add("GET", "/v1/code-runs/{run_id}/codes.svg", "downloadCodesSvg",
             download_route(kMaxSvgCodes, [](const projections::RunCodes& run) -> Result<HttpResponse> {
               std::vector<LabelledCode> labels;
               for (const auto& code : run.codes) {
                 labels.push_back({core::format_digital_link(run.base_url, run.gtin14, run.lot_code, code.serial),
                                   code.serial});
               }
               AGT_TRY(svg, qr_svg_sheet(labels, fmt::format("{} · GTIN {} · 批号 {} · {}–{}", run.run_id, run.gtin14,
                                                              run.lot_code, run.offset + 1,
                                                              run.offset + static_cast<int64_t>(run.codes.size()))));
               return download("image/svg+xml", run.run_id + "-" + std::to_string(run.offset) + ".svg", std::move(svg));
             }));
  router.add("GET", "/v1/code-runs/{run_id}/codes.tar", "downloadCodesPng",
             download_route(kMaxTarCodes, [](const projections::RunCodes& run) -> Result<HttpResponse> {
               std::vector<std::pair<std::string, std::string>> files;
               for (const auto& code : run.codes) {
                 AGT_TRY(png, qr_png(core::format_digital_link(run.base_url, run.gtin14, run.lot_code, code.serial)));
                 files.emplace_back(code.serial + ".png", std::move(png));
               }
               return download("application/x-tar", run.run_id + "-" + std::to_string(run.offset) + ".tar",
                               tar_archive(files));
             }));
  router.add("POST", "/v1/code-runs/{run_id}/disable", "disableCodeRun",
             i->command_route("disable_code_run", 200, RouteKit::reason_command<core::DisableCodeRun>("run_id"), {},
                              /*empty_body_is_object=*/true));
  router.add("POST", "/v1/code-runs/{run_id}/enable", "enableCodeRun",
             i->path_command_route<core::EnableCodeRun>("enable_code_run", 200, "run_id"));
  router.add("GET", "/v1/codes/{serial}", "getCode",
             i->get_route("serial", codes, &projections::CodesQueries::code));
  router.add("POST", "/v1/codes/{serial}/disable", "disableCode",
             i->command_route("disable_code", 200, RouteKit::reason_command<core::DisableCode>("serial"), {},
                              /*empty_body_is_object=*/true));
  router.add("POST", "/v1/codes/{serial}/enable", "enableCode",
             i->path_command_route<core::EnableCode>("enable_code", 200, "serial"));

  // ---- publishing (the market browse is in api/market/routes.cpp) ----
  router.add("POST", "/v1/publications", "publishProduct",
             i->command_route("publish_product", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_publish(in); }));
  router.add("GET", "/v1/publications", "listPublications",
             i->query_route([codes](const Caller& c, const PathParams&, const HttpRequest&) {
               return codes->publications(c.tenant);
             }));
  router.add("POST", "/v1/publications/{product_id}/withdraw", "withdrawPublication",
             i->path_command_route<core::UnpublishProduct>("withdraw_publication", 200, "product_id"));
  // ---- the public resolver: GS1 Digital Link, no API key ----
  router.add("GET", "/01/{gtin}/10/{lot}/21/{serial}", "resolveDigitalLink",
             [i, codes](const HttpRequest& req, const PathParams& p, Responder respond) {
               const std::string path = core::format_digital_link("", path_param(p, "gtin"), path_param(p, "lot"), path_param(p, "serial"));
               auto parsed = core::parse_digital_link(path);
               if (!parsed.ok()) {
                 return respond(problem_response(400, parsed.error().reason, parsed.error().message, "code"));
               }
               // A code disabled by an acknowledged command answers 410 at the next scan: wait (bounded)
               // until the views include every position this process has acknowledged so far for the
               // code's enterprise (only its own writes can disable or recall the code). A code the
               // views do not know yet waits for every enterprise's writes (it may have just been issued).
               const auto known = codes->resolve(parsed->serial);
               std::vector<events::Position> targets =
                   known ? i->appended.snapshot(known->tenant) : i->appended.snapshot();
               auto answer = [i, codes, req, link = *parsed]() -> HttpResponse {
                 auto code = codes->resolve(link.serial);
                 if (!code || code->gtin14 != link.gtin14 || code->lot_code != link.lot) {
                   return problem_response(404, "code_not_found", "no trace code with this GTIN, lot and serial", "code");
                 }
                 const std::string host = std::string(req.header("Host").value_or("localhost"));
                 const std::string self = "http://" + host + core::format_digital_link("", link.gtin14, link.lot, link.serial);
                 const std::string link_type(req.query_param("linkType").value_or(""));
                 if (!code->disabled && (link_type == "all" || link_type == "linkset")) {
                   HttpResponse r = json_response(200, linkset(self));
                   r.content_type = "application/linkset+json";
                   r.headers.emplace_back("Link", link_header(self));
                   return r;
                 }
                 const bool json = link_type == "gs1:traceability" ||
                                   link_type == "gs1:certificationInfo" || link_type == "all" ||
                                   link_type == "linkset" ||
                                   (link_type != "gs1:pip" && wants_json(req));
                 // Issue 12: the consumer's page and its JSON (api/public/scan_page.cpp), the scan
                 // recorded; a disabled code answers 410 (a warning page for browsers).
                 HttpResponse r = scan_answer(*i, req, *code, link, self, json);
                 if (r.status == 200) r.headers.emplace_back("Link", link_header(self));
                 return r;
               };
               // Chain the waits, one partition after the other, within one overall deadline.
               struct Waiter : std::enable_shared_from_this<Waiter> {
                 RouteKit* kit;
                 std::vector<events::Position> targets;
                 int64_t deadline_ns;  // on the kit's Env's monotonic clock
                 std::function<HttpResponse()> answer;
                 Responder respond;
                 void next(size_t k) {
                   while (k < targets.size() && kit->runner.reached(targets[k])) ++k;
                   if (k == targets.size()) return respond(answer());
                   const int64_t left = (deadline_ns - kit->env.monotonic_ns()) / 1'000'000;
                   auto self = shared_from_this();
                   kit->runner.wait_for(targets[k], static_cast<int32_t>(std::max<int64_t>(0, left)),
                                        [self, k](bool ok) {
                                          if (!ok) {
                                            HttpResponse r = problem_response(
                                                503, "views_behind", "the trace views are catching up; retry");
                                            r.headers.emplace_back("Retry-After", "1");
                                            return self->respond(std::move(r));
                                          }
                                          self->next(k + 1);
                                        });
                 }
               };
               auto w = std::make_shared<Waiter>();
               w->kit = i;
               w->targets = std::move(targets);
               w->deadline_ns = i->env.monotonic_ns() + int64_t{kResolverWaitMs} * 1'000'000;
               w->answer = std::move(answer);
               w->respond = std::move(respond);
               w->next(0);
             });
}

}  // namespace agritrace::api
