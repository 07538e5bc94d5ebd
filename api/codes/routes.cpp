// Routes of the catalogue and main varieties, trace codes with their downloads
// the public GS1 Digital Link resolver (R-4.4.1 groundwork) and product publishing
// (R-4.2.9; the market browse of published products is in api/market/routes.cpp).
#include <simdjson.h>

#include <memory>

#include "api/codes/code_images.h"
#include "api/http/route_kit.h"
#include "api/public/scan_page.h"
#include "core/codes/codes.h"
#include "core/codes/dl_compression.h"
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

std::string html_escape(std::string_view s) { return xml_escape(s, /*apostrophe=*/true); }

// The links of a resolver entry (GS1 link types), the first being gs1:defaultLink's target.
struct ResolverLink {
  const char* rel;       // gs1:pip
  const char* title;     // shown in the linkset (UTF-8)
  const char* title_en;  // the Link header's title (ASCII: RFC 8288 quoted-string)
  const char* type;
};
constexpr ResolverLink kResolverLinks[] = {
    {"gs1:pip", "产品信息", "Product information", "text/html"},
    {"gs1:traceability", "追溯信息", "Traceability information", "application/json"},
    {"gs1:certificationInfo", "检验报告", "Certification information", "application/json"},
};

// RFC 9264 linkset with the GS1 conventions: link types as https://gs1.org/voc/ URIs and
// gs1:defaultLink naming where a plain scan goes (the product information page).
std::string linkset(const std::string& self) {
  JsonWriter w;
  w.begin_object().key("linkset").begin_array().begin_object().field("anchor", self);
  auto entry = [&](const ResolverLink& l) {
    w.begin_array()
        .begin_object()
        .field("href", self + "?linkType=" + l.rel)
        .field("title", l.title)
        .field("type", l.type)
        .key("hreflang")
        .begin_array()
        .value("zh-CN")
        .end_array()
        .end_object()
        .end_array();
  };
  w.key("https://gs1.org/voc/defaultLink");
  entry(kResolverLinks[0]);
  for (const auto& l : kResolverLinks) {
    w.key(std::string("https://gs1.org/voc/") + (l.rel + 4));
    entry(l);
  }
  w.end_object().end_array().end_object();
  return w.take();
}

std::string link_header(const std::string& self) {
  std::string out = fmt::format(
      "<{0}?linkType={1}>; rel=\"gs1:defaultLink\"; title=\"{2}\"; type=\"{3}\"; "
      "hreflang=\"zh-CN\"",
      self, kResolverLinks[0].rel, kResolverLinks[0].title_en, kResolverLinks[0].type);
  for (const auto& l : kResolverLinks) {
    out += fmt::format(
        ", <{0}?linkType={1}>; rel=\"{1}\"; title=\"{2}\"; type=\"{3}\"; hreflang=\"zh-CN\"", self,
        l.rel, l.title_en, l.type);
  }
  out += fmt::format(
      ", <{0}?linkType=linkset>; rel=\"linkset\"; title=\"Linkset\"; "
      "type=\"application/linkset+json\"",
      self);
  return out;
}

bool wants_linkset(const HttpRequest& req) {
  const std::string link_type(req.query_param("linkType").value_or(""));
  if (link_type == "all" || link_type == "linkset") return true;
  auto accept = req.header("Accept");
  return accept && accept->find("application/linkset+json") != std::string_view::npos;
}

bool wants_json(const HttpRequest& req) {
  auto accept = req.header("Accept");
  return accept && accept->find("application/json") != std::string_view::npos &&
         accept->find("text/html") == std::string_view::npos;
}

// ---- GS1 Digital Link resolver, as the GS1 Resolver CE test suite expects it ----

// Every resolver answer (errors included) may be read by a scan page on another origin, and
// depends on Accept (HTML, JSON or linkset).
Responder with_resolver_headers(Responder respond) {
  return [respond = std::move(respond)](HttpResponse r) {
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    r.headers.emplace_back("Access-Control-Expose-Headers", "Link, Location, Content-Type");
    r.headers.emplace_back("Vary", "Accept, Accept-Language");
    respond(std::move(r));
  };
}

// A CORS pre-flight (or plain OPTIONS) of a resolver path.
void answer_options(const HttpRequest&, const PathParams&, Responder respond) {
  HttpResponse r;
  r.status = 204;
  r.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
  r.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  r.headers.emplace_back("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Type");
  r.headers.emplace_back("Access-Control-Max-Age", "86400");
  with_resolver_headers(std::move(respond))(std::move(r));
}

// "{base}/01/{gtin14}" and "{base}/01/{gtin14}/10/{lot}", encoded as format_digital_link does.
std::string gtin_uri(std::string_view base, std::string_view gtin14) {
  return fmt::format("{}/01/{}", base, gtin14);
}
std::string lot_uri(std::string_view base, std::string_view gtin14, std::string_view lot) {
  std::string full = core::format_digital_link(base, gtin14, lot, "s");
  return full.substr(0, full.size() - 5);  // without "/21/s"
}

// Validates a GTIN and lot the way the full URI's parser does (a dummy serial completes it).
Result<core::ParsedDigitalLink> parse_gtin_lot(std::string_view gtin, std::string_view lot) {
  return core::parse_digital_link(
      core::format_digital_link("", gtin, lot.empty() ? "L" : lot, "S"));
}

std::string run_base_url(const projections::CodesQueries& codes, const std::string& tenant,
                         const std::string& run_id) {
  auto run = codes.code_run(tenant, run_id);
  if (!run.ok()) return {};
  return projections::json_string_field(*run, "base_url").value_or("");
}

// A malformed link is a bad request (400), not an unprocessable command (422).
HttpResponse bad_link(const Error& e) { return problem_response(400, e.reason, e.message, "code"); }

HttpResponse redirect(std::string location) {
  HttpResponse r;
  r.status = 307;
  r.headers.emplace_back("Location", std::move(location));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Answers once the views include every position this process has acknowledged for `tenant`
// (all tenants when empty), within kResolverWaitMs: a code disabled by an acknowledged command
// answers 410 at the next scan; a code the views do not know yet may have just been issued.
void answer_after_writes(RouteKit* kit, const std::string& tenant,
                         std::function<HttpResponse()> answer, Responder respond) {
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
      kit->runner.wait_for(
          targets[k], static_cast<int32_t>(std::max<int64_t>(0, left)), [self, k](bool ok) {
            if (!ok) {
              HttpResponse r =
                  problem_response(503, "views_behind", "the trace views are catching up; retry");
              r.headers.emplace_back("Retry-After", "1");
              return self->respond(std::move(r));
            }
            self->next(k + 1);
          });
    }
  };
  // Chain the waits, one partition after the other, within one overall deadline.
  auto w = std::make_shared<Waiter>();
  w->kit = kit;
  w->targets = tenant.empty() ? kit->appended.snapshot() : kit->appended.snapshot(tenant);
  w->deadline_ns = kit->env.monotonic_ns() + int64_t{kResolverWaitMs} * 1'000'000;
  w->answer = std::move(answer);
  w->respond = std::move(respond);
  w->next(0);
}

// The answer about a batch behind a lot or a serial (link.serial empty: the lot itself): the
// linkset, or the consumer's page / its JSON (api/public/scan_page.cpp, which records the scan).
HttpResponse trace_answer(RouteKit* i, const HttpRequest& req, const projections::ResolvedCode& code,
                          const core::ParsedDigitalLink& link, const std::string& self) {
  if (wants_linkset(req) && !code.disabled) {
    HttpResponse r = json_response(200, linkset(self));
    r.content_type = "application/linkset+json";
    r.headers.emplace_back("Link", link_header(self));
    return r;
  }
  const std::string link_type(req.query_param("linkType").value_or(""));
  const bool json = link_type == "gs1:traceability" || link_type == "gs1:certificationInfo" ||
                    (link_type != "gs1:pip" && wants_json(req));
  HttpResponse r = scan_answer(*i, req, code, link, self, json);
  if (r.status == 200) r.headers.emplace_back("Link", link_header(self));
  return r;
}

// The entry of a GTIN + lot (R-4.4.1: less specific URIs resolve): the batch's trace.
HttpResponse lot_answer(RouteKit* i, const projections::CodesQueries& codes, const HttpRequest& req,
                        const core::ParsedDigitalLink& link) {
  auto lot = codes.resolve_lot(link.gtin14, link.lot);
  if (!lot)
    return problem_response(404, "lot_not_found",
                            "no trace codes were issued for this GTIN and lot", "code");
  projections::ResolvedCode code;
  code.tenant = lot->tenant;
  code.run_id = lot->run_id;
  code.batch_id = lot->batch_id;
  code.gtin14 = lot->gtin14;
  code.lot_code = lot->lot_code;
  return trace_answer(i, req, code, link, lot_uri(lot->base_url, lot->gtin14, lot->lot_code));
}

// The entry of a GTIN: its lots, each with its URI (at most kGtinLots).
constexpr size_t kGtinLots = 100;
HttpResponse gtin_answer(const projections::CodesQueries& codes, const HttpRequest& req,
                         const std::string& gtin14) {
  const auto lots = codes.resolve_gtin(gtin14, kGtinLots);
  if (lots.empty())
    return problem_response(404, "gtin_not_found", "no trace codes were issued for this GTIN",
                            "code");
  const std::string self = gtin_uri(lots.front().base_url, gtin14);
  if (wants_linkset(req)) {
    HttpResponse r = json_response(200, linkset(self));
    r.content_type = "application/linkset+json";
    r.headers.emplace_back("Link", link_header(self));
    return r;
  }
  JsonWriter w;
  w.begin_object().field("gtin", gtin14).field("uri", self).key("lots").begin_array();
  std::string items;
  for (const auto& l : lots) {
    const std::string uri = lot_uri(l.base_url, l.gtin14, l.lot_code);
    w.begin_object().field("lot", l.lot_code).field("uri", uri).end_object();
    items +=
        fmt::format("<li><a href=\"{}\">{}</a></li>", html_escape(uri), html_escape(l.lot_code));
  }
  w.end_array().end_object();
  HttpResponse r;
  if (wants_json(req)) {
    r = json_response(200, w.take());
  } else {
    r.status = 200;
    r.content_type = "text/html; charset=utf-8";
    r.body = fmt::format(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>GTIN {0}</title>"
        "</head><body><h1>GTIN {0}</h1><ul>{1}</ul></body></html>",
        gtin14, items);
  }
  r.headers.emplace_back("Link", link_header(self));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// A compressed (or partially compressed) Digital Link: 307 to the uncompressed URI at the code's
// base URL. `gtin` is the uncompressed primary key, empty when the whole path was compressed.
HttpResponse compressed_answer(const projections::CodesQueries& codes, std::string gtin,
                               std::string_view segment) {
  auto elements = core::decompress_digital_link(segment);
  if (!elements.ok()) return bad_link(elements.error());
  std::string lot, serial;
  for (const auto& e : *elements) {
    if (e.ai == "01") gtin = e.value;
    if (e.ai == "10") lot = e.value;
    if (e.ai == "21") serial = e.value;
  }
  if (gtin.empty()) {
    return problem_response(400, "digital_link_syntax", "the compressed link names no GTIN (AI 01)",
                            "code");
  }
  auto parsed = parse_gtin_lot(gtin, lot);
  if (!parsed.ok()) return bad_link(parsed.error());
  if (!serial.empty()) {
    auto code = codes.resolve(serial);
    if (code && code->gtin14 == parsed->gtin14 && (lot.empty() || code->lot_code == lot)) {
      return redirect(core::format_digital_link(run_base_url(codes, code->tenant, code->run_id),
                                                code->gtin14, code->lot_code, serial));
    }
  }
  if (!lot.empty()) {
    if (auto l = codes.resolve_lot(parsed->gtin14, lot))
      return redirect(lot_uri(l->base_url, l->gtin14, l->lot_code));
  } else if (serial.empty()) {
    auto lots = codes.resolve_gtin(parsed->gtin14, 1);
    if (!lots.empty()) return redirect(gtin_uri(lots.front().base_url, parsed->gtin14));
  }
  return problem_response(404, "code_not_found", "no trace code with this GTIN, lot and serial",
                          "code");
}

// /.well-known/gs1resolver: the resolver description (GS1 Digital Link standard, section 6.2).
std::string resolver_description() {
  JsonWriter w;
  w.begin_object()
      .field("name", "AgriTrace GS1 Digital Link resolver")
      .field("resolverRoot", "/")
      .key("supportedPrimaryKeys")
      .begin_array()
      .value("gtin")
      .end_array()
      .key("supportedLinkType")
      .begin_array();
  for (const auto& l : kResolverLinks)
    w.begin_object().field("linktype", l.rel).field("title", l.title).end_object();
  w.end_array()
      .field("linkTypeDefaultCanBeLinkset", true)
      .field("supportsCompression", true)
      .field("validatesOnly", false)
      .key("contact")
      .begin_object()
      .field("name", "AgriTrace")
      .end_object()
      .end_object();
  return w.take();
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
  // ---- the public resolver: GS1 Digital Link, no API key (R-4.4.1) ----
  router.add("GET", "/01/{gtin}/10/{lot}/21/{serial}", "resolveDigitalLink",
             [i, codes](const HttpRequest& req, const PathParams& p, Responder plain) {
               Responder respond = with_resolver_headers(std::move(plain));
               auto parsed = core::parse_digital_link(core::format_digital_link(
                   "", path_param(p, "gtin"), path_param(p, "lot"), path_param(p, "serial")));
               if (!parsed.ok()) return respond(bad_link(parsed.error()));
               // Only the code's enterprise's own writes can disable or recall it.
               const auto known = codes->resolve(parsed->serial);
               auto answer = [i, codes, req, link = *parsed]() -> HttpResponse {
                 auto code = codes->resolve(link.serial);
                 if (!code || code->gtin14 != link.gtin14 || code->lot_code != link.lot) {
                   // An unknown serial of a known lot goes to the lot's entry, as GS1 resolvers do.
                   if (auto lot = codes->resolve_lot(link.gtin14, link.lot)) {
                     return redirect(lot_uri(lot->base_url, lot->gtin14, lot->lot_code));
                   }
                   return problem_response(404, "code_not_found",
                                           "no trace code with this GTIN, lot and serial", "code");
                 }
                 // The code's URI from its template's base URL, never from the request's Host.
                 const std::string self =
                     core::format_digital_link(run_base_url(*codes, code->tenant, code->run_id),
                                               link.gtin14, link.lot, link.serial);
                 return trace_answer(i, req, *code, link, self);
               };
               answer_after_writes(i, known ? known->tenant : std::string(), std::move(answer),
                                   std::move(respond));
             });
  router.add("GET", "/01/{gtin}", "resolveGtin",
             [i, codes](const HttpRequest& req, const PathParams& p, Responder plain) {
               Responder respond = with_resolver_headers(std::move(plain));
               auto parsed = parse_gtin_lot(path_param(p, "gtin"), "");
               if (!parsed.ok()) return respond(bad_link(parsed.error()));
               answer_after_writes(
                   i, "",
                   [codes, req, gtin = parsed->gtin14] { return gtin_answer(*codes, req, gtin); },
                   std::move(respond));
             });
  // /01/{gtin}/10/{lot} (the lot's entry), /01/{gtin}/21/{serial} (307 to the full URI); any other
  // qualifier is not a GS1 Digital Link this resolver serves: 400.
  router.add("GET", "/01/{gtin}/{qualifier}/{value}", "resolveGtinQualifier",
             [i, codes](const HttpRequest& req, const PathParams& p, Responder plain) {
               Responder respond = with_resolver_headers(std::move(plain));
               const std::string qualifier(path_param(p, "qualifier"));
               const std::string value(path_param(p, "value"));
               if (qualifier != "10" && qualifier != "21") {
                 return respond(problem_response(400, "digital_link_syntax",
                                                 "after /01/{gtin} comes /10/{lot} or /21/{serial}",
                                                 "code"));
               }
               auto parsed = qualifier == "10" ? parse_gtin_lot(path_param(p, "gtin"), value)
                                               : core::parse_digital_link(core::format_digital_link(
                                                     "", path_param(p, "gtin"), "L", value));
               if (!parsed.ok()) return respond(bad_link(parsed.error()));
               answer_after_writes(
                   i, "",
                   [i, codes, req, qualifier, link = *parsed]() -> HttpResponse {
                     if (qualifier == "10") return lot_answer(i, *codes, req, link);
                     auto code = codes->resolve(link.serial);
                     if (!code || code->gtin14 != link.gtin14) {
                       return problem_response(404, "code_not_found",
                                               "no trace code with this GTIN and serial", "code");
                     }
                     return redirect(
                         core::format_digital_link(run_base_url(*codes, code->tenant, code->run_id),
                                                   code->gtin14, code->lot_code, link.serial));
                   },
                   std::move(respond));
             });
  // /01/{gtin}/{compressed}: a partially compressed link; anything else there is malformed (400).
  router.add(
      "GET", "/01/{gtin}/{rest}", "resolvePartlyCompressedLink",
      [i, codes](const HttpRequest&, const PathParams& p, Responder plain) {
        Responder respond = with_resolver_headers(std::move(plain));
        answer_after_writes(
            i, "",
            [codes, gtin = std::string(path_param(p, "gtin")),
             rest = std::string(path_param(p, "rest"))]() -> HttpResponse {
              HttpResponse r = compressed_answer(*codes, gtin, rest);
              if (r.status == 400) {
                return problem_response(
                    400, "digital_link_syntax",
                    "expected /01/{gtin}/10/{lot}[/21/{serial}] or a compressed GS1 Digital Link",
                    "code");
              }
              return r;
            },
            std::move(respond));
      });
  // /{compressed}: a wholly compressed link (GS1 Digital Link compression); a segment that does
  // not decode is no route at all (404 route_not_found, as before this route existed).
  router.add(
      "GET", "/{compressed}", "resolveCompressedLink",
      [i, codes](const HttpRequest& req, const PathParams& p, Responder plain) {
        Responder respond = with_resolver_headers(std::move(plain));
        const std::string segment(path_param(p, "compressed"));
        if (!core::decompress_digital_link(segment).ok()) {
          return respond(problem_response(404, "route_not_found", "no route for " + req.path));
        }
        answer_after_writes(
            i, "", [codes, segment] { return compressed_answer(*codes, "", segment); },
            std::move(respond));
      });
  router.add(
      "GET", "/.well-known/gs1resolver", "describeResolver",
      [](const HttpRequest&, const PathParams&, Responder respond) {
        with_resolver_headers(std::move(respond))(json_response(200, resolver_description()));
      });
  router.add("OPTIONS", "/01/{gtin}/10/{lot}/21/{serial}", "resolveDigitalLinkOptions",
             answer_options);
  router.add("OPTIONS", "/01/{gtin}", "resolveGtinOptions", answer_options);
  router.add("OPTIONS", "/01/{gtin}/{qualifier}/{value}", "resolveGtinQualifierOptions",
             answer_options);
  router.add("OPTIONS", "/{compressed}", "resolveCompressedLinkOptions", answer_options);
}

}  // namespace agritrace::api
