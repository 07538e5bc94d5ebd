// Routes of the consumer scan side of the public end (issue 12, R-4.4.1): the pages' static files,
// a scan's coarse location, the consumer's own scan history (JSON and page), optional phone
// verification, public downloads of a batch's documents, and the counterfeit alerts for the code's
// owner and for regulators. The scan page itself is answered by the resolver (api/codes/routes.cpp
// -> api/public/scan_page.cpp).
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "api/codes/code_images.h"
#include "api/http/route_kit.h"
#include "api/public/phone_verifier.h"
#include "api/public/scan_assets.h"
#include "api/public/scan_log.h"
#include "api/public/scan_page.h"
#include "api/regulator/visibility.h"
#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "core/base/identifiers.h"
#include "projections/trace/queries.h"

namespace agritrace::api {
namespace {

constexpr int32_t kScanWaitMs = 2'000;
constexpr size_t kHistoryLimit = 100;
constexpr int64_t kPhoneCodeTtlMs = 10 * 60'000;
constexpr int kPhoneAttempts = 5;
constexpr size_t kMaxPendingPhones = 10'000;

HttpResponse asset(const char* type, const char* body) {
  HttpResponse r;
  r.status = 200;
  r.content_type = type;
  r.body = body;
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return r;
}

HttpResponse no_consumer() {
  return problem_response(
      400, "consumer_cookie_required",
      "scan a trace code first: the scan page sets the anonymous consumer cookie", "Cookie");
}

HttpResponse no_scan_log() {
  return problem_response(503, "scan_log_unavailable",
                          "this server does not record scans (read-only)");
}

// The common head of the consumer's JSON posts: the scan log, the cookie's consumer, the body.
// Answers the refusal itself and returns nothing when one of them is missing or malformed.
struct ConsumerPost {
  ScanLog* log;
  std::string consumer;
  Result<JsonInput> in;
};
std::optional<ConsumerPost> consumer_post(RouteKit* i, const HttpRequest& req, Responder& respond) {
  ScanLog* log = i->options.scans;
  if (!log) {
    respond(no_scan_log());
    return std::nullopt;
  }
  std::string consumer = consumer_of(req);
  if (consumer.empty()) {
    respond(no_consumer());
    return std::nullopt;
  }
  if (i->json_too_large(req, respond)) return std::nullopt;
  auto in = JsonInput::parse(req.body);
  if (!in.ok()) {
    respond(problem_response(400, in.error().reason, in.error().message));
    return std::nullopt;
  }
  return ConsumerPost{log, std::move(consumer), std::move(in)};
}

std::string scan_json(const ScanRecord& r) {
  JsonWriter w;
  w.begin_object()
      .field("scan_id", r.scan_id)
      .field("scanned_at", core::format_rfc3339_utc(r.at_ms))
      .field("serial", r.serial)
      .field("gtin", r.gtin)
      .field("lot", r.lot)
      .field("product", r.product)
      .field("uri", core::format_digital_link("", r.gtin, r.lot, r.serial))
      .field("city", r.city);
  w.key("location");
  if (r.location) {
    w.begin_object()
        .field("lat", fmt::format("{:.1f}", r.location->lat_e1 / 10.0))
        .field("lon", fmt::format("{:.1f}", r.location->lon_e1 / 10.0))
        .end_object();
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

std::string alerts_json(const std::vector<std::string>& alerts) {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (const std::string& a : alerts) w.raw(a);
  w.end_array().field("count", static_cast<int64_t>(alerts.size())).end_object();
  return w.take();
}

struct PendingPhone {
  std::string phone, code;
  int64_t expires_ms = 0;
  int attempts = 0;
};

struct PublicState {
  std::unique_ptr<PhoneVerifier> verifier = std::make_unique<DevPhoneVerifier>();
  std::mutex mu;
  std::map<std::string, PendingPhone> pending;  // consumer id -> the code sent
  std::shared_ptr<ScanPageCache> pages;           // the scan pages' cache, alive with the routes
};

}  // namespace

void register_public_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto state = std::make_shared<PublicState>();
  state->pages = scan_page_cache(kit.views);
  if (ScanLog* log = kit.options.scans) {
    const projections::ViewStore* views = &kit.views;
    log->set_sold_lookup([views](const std::string& serial) { return sold_at(*views, serial); });
    kit.metrics.gauge_callback("agritrace_scans_recorded_total",
                               "Consumer scans written to the scan log",
                               [log] { return static_cast<double>(log->stats().written); });
    kit.metrics.gauge_callback("agritrace_scans_dropped_total",
                               "Consumer scans dropped (scan log queue full)",
                               [log] { return static_cast<double>(log->stats().dropped); });
    kit.metrics.gauge_callback("agritrace_scan_log_batches_total", "Group commits of the scan log",
                               [log] { return static_cast<double>(log->stats().batches); });
    kit.metrics.gauge_callback("agritrace_scan_log_queue",
                               "Scans waiting for the scan log's writer",
                               [log] { return static_cast<double>(log->stats().queued); });
  }

  router.add("GET", "/public/scan.css", "publicScanCss",
             [](const HttpRequest&, const PathParams&, Responder r) {
               r(asset("text/css; charset=utf-8", kScanCss));
             });
  router.add("GET", "/public/scan.js", "publicScanJs",
             [](const HttpRequest&, const PathParams&, Responder r) {
               r(asset("text/javascript; charset=utf-8", kScanJs));
             });

  // A scan's coarse location, sent by the page's script when the browser offers it.
  router.add(
      "POST", "/v1/public/scans/{scan_id}/location", "recordScanLocation",
      [i](const HttpRequest& req, const PathParams& p, Responder respond) {
        auto post = consumer_post(i, req, respond);
        if (!post) return;
        ScanLog* log = post->log;
        const std::string& consumer = post->consumer;
        auto& in = post->in;
        auto loc = [&]() -> Result<core::CoarseLocation> {
          AGT_CHECK(in->only({"lat_e1", "lon_e1"}));
          AGT_TRY(lat, in->i64("lat_e1"));
          AGT_TRY(lon, in->i64("lon_e1"));
          if (lat < -900 || lat > 900)
            return invalid("latitude_invalid", "lat_e1 must be -900..900", "lat_e1");
          if (lon < -1800 || lon > 1800)
            return invalid("longitude_invalid", "lon_e1 must be -1800..1800", "lon_e1");
          return core::CoarseLocation{static_cast<int32_t>(lat), static_cast<int32_t>(lon)};
        }();
        if (!loc.ok()) return respond(problem_from_error(loc.error()));
        log->wait_written(kScanWaitMs);
        const std::string scan_id = path_param(p, "scan_id");
        for (ScanRecord& r : log->consumer_scans(consumer, kHistoryLimit)) {
          if (r.scan_id != scan_id) continue;
          if (r.location)
            return respond(problem_response(409, "scan_location_recorded",
                                            "this scan already has its location", "scan_id"));
          r.location_only = true;
          r.location = *loc;
          r.city = std::string(core::city_of(*loc));
          JsonWriter w;
          w.begin_object().field("scan_id", scan_id).field("city", r.city).end_object();
          if (!log->record(std::move(r))) {
            return respond(
                problem_response(503, "scan_log_full", "too many scans right now; retry"));
          }
          return respond(json_response(201, w.take()));
        }
        respond(problem_response(404, "scan_not_found", "no scan with this id by this consumer",
                                 "scan_id"));
      });

  // The consumer's own scan history (the cookie's), JSON and page.
  auto history = [i](const HttpRequest& req)
      -> std::optional<std::pair<std::vector<ScanRecord>, std::string>> {
    ScanLog* log = i->options.scans;
    const std::string consumer = consumer_of(req);
    if (!log || consumer.empty()) return std::nullopt;
    log->wait_written(kScanWaitMs);  // the scan just made shows (read your own scans)
    return std::make_pair(log->consumer_scans(consumer, kHistoryLimit), log->phone_of(consumer));
  };
  router.add("GET", "/v1/public/my-scans", "listMyScans",
             [i, history](const HttpRequest& req, const PathParams&, Responder respond) {
               if (!i->options.scans) return respond(no_scan_log());
               auto h = history(req);
               if (!h) return respond(no_consumer());
               JsonWriter w;
               w.begin_object().key("items").begin_array();
               for (const ScanRecord& r : h->first) w.raw(scan_json(r));
               w.end_array().field("count", static_cast<int64_t>(h->first.size()));
               w.key("phone");
               if (h->second.empty())
                 w.null();
               else
                 w.value(h->second);
               w.end_object();
               HttpResponse r = json_response(200, w.take());
               r.headers.emplace_back("Cache-Control", "no-store");
               respond(std::move(r));
             });
  router.add(
      "GET", "/public/my-scans", "myScansPage",
      [history](const HttpRequest& req, const PathParams&, Responder respond) {
        auto h = history(req);
        std::string html =
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" "
            "content=\"width=device-width,initial-scale=1\"><title>我的扫码历史</title>"
            "<link rel=\"stylesheet\" "
            "href=\"/public/scan.css\"></head><body><main><h1>我的扫码历史</h1>";
        if (!h || h->first.empty()) {
          html +=
              "<p>"
              "暂无扫码记录。扫描商品上的追溯码后，记录会显示在这里（仅保存在本机浏览器的匿名标识下"
              "）。</p>";
        } else {
          html +=
              "<table><thead><tr><th scope=\"col\">时间</th><th scope=\"col\">商品</th><th "
              "scope=\"col\">地点</th>"
              "</tr></thead><tbody>";
          for (const ScanRecord& r : h->first) {
            const std::string t = core::format_rfc3339_utc(r.at_ms + 8 * 3'600'000);
            html += fmt::format(
                "<tr><td>{} {}</td><td><a href=\"{}\">{}</a><br><span class=\"small\">批号 "
                "{}</span></td>"
                "<td>{}</td></tr>",
                t.substr(0, 10), t.substr(11, 5),
                xml_escape(core::format_digital_link("", r.gtin, r.lot, r.serial), true),
                xml_escape(r.product, true), xml_escape(r.lot, true),
                r.city.empty() ? "—" : xml_escape(r.city, true));
          }
          html += "</tbody></table>";
        }
        if (h) {
          html += "<h2>手机号验证（可选）</h2>";
          if (!h->second.empty()) html += "<p>已验证手机号：" + xml_escape(h->second) + "</p>";
          html +=
              "<form id=\"phone-form\"><label for=\"phone\">手机号</label><input id=\"phone\" "
              "name=\"phone\" "
              "type=\"tel\" inputmode=\"numeric\" autocomplete=\"tel\"> <button type=\"button\" "
              "id=\"send-code\">"
              "获取验证码</button><label for=\"phone-code\">验证码</label><input id=\"phone-code\" "
              "name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\"> <button "
              "type=\"submit\">"
              "验证</button></form><p id=\"phone-result\" role=\"status\"></p>";
        }
        html += "</main><script src=\"/public/scan.js\"></script></body></html>";
        HttpResponse r;
        r.status = 200;
        r.content_type = "text/html; charset=utf-8";
        r.body = std::move(html);
        r.headers.emplace_back("Cache-Control", "no-store");
        respond(std::move(r));
      });

  // Optional phone verification (PhoneVerifier; the development stand-in answers the code).
  router.add(
      "POST", "/v1/public/phone/code", "requestPhoneCode",
      [i, state](const HttpRequest& req, const PathParams&, Responder respond) {
        auto post = consumer_post(i, req, respond);
        if (!post) return;
        const std::string& consumer = post->consumer;
        auto& in = post->in;
        auto phone = [&]() -> Result<std::string> {
          AGT_CHECK(in->only({"phone"}));
          AGT_TRY(p, in->str("phone", 16));
          if (!valid_mobile_number(p)) {
            return invalid("phone_invalid", "give an 11-digit mainland mobile number", "phone");
          }
          return p;
        }();
        if (!phone.ok()) return respond(problem_from_error(phone.error()));
        unsigned char r[4];
        if (!i->env.random_bytes(r, sizeof r).ok()) {
          return respond(problem_response(500, "random_failed", "no randomness for the code"));
        }
        const uint32_t n =
            (uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3]) % 1'000'000;
        const std::string code = fmt::format("{:06d}", n);
        {
          std::lock_guard<std::mutex> lock(state->mu);
          if (state->pending.size() >= kMaxPendingPhones && !state->pending.count(consumer)) {
            return respond(problem_response(503, "phone_verification_busy",
                                            "too many pending codes; retry later"));
          }
          state->pending[consumer] =
              PendingPhone{*phone, code, i->env.now_ms() + kPhoneCodeTtlMs, 0};
        }
        if (Status s = state->verifier->send_code(*phone, code); !s.ok()) {
          return respond(problem_from_error(s.error()));
        }
        JsonWriter w;
        w.begin_object()
            .field("phone", mask_mobile_number(*phone))
            .field("expires_in_seconds", kPhoneCodeTtlMs / 1000);
        if (state->verifier->development()) w.field("dev_code", code);
        w.end_object();
        respond(json_response(200, w.take()));
      });
  router.add(
      "POST", "/v1/public/phone/verify", "verifyPhone",
      [i, state](const HttpRequest& req, const PathParams&, Responder respond) {
        auto post = consumer_post(i, req, respond);
        if (!post) return;
        ScanLog* log = post->log;
        const std::string& consumer = post->consumer;
        auto& in = post->in;
        auto fields = [&]() -> Result<std::pair<std::string, std::string>> {
          AGT_CHECK(in->only({"phone", "code"}));
          AGT_TRY(p, in->str("phone", 16));
          AGT_TRY(c, in->str("code", 8));
          return std::make_pair(p, c);
        }();
        if (!fields.ok()) return respond(problem_from_error(fields.error()));
        {
          std::lock_guard<std::mutex> lock(state->mu);
          auto it = state->pending.find(consumer);
          if (it == state->pending.end() || it->second.phone != fields->first ||
              it->second.expires_ms < i->env.now_ms()) {
            if (it != state->pending.end() && it->second.expires_ms < i->env.now_ms())
              state->pending.erase(it);
            return respond(problem_response(
                409, "phone_code_not_requested",
                "request a code for this phone first (codes last 10 minutes)", "phone"));
          }
          if (it->second.code != fields->second) {
            if (++it->second.attempts >= kPhoneAttempts) state->pending.erase(it);
            return respond(
                problem_response(422, "phone_code_wrong", "the code does not match", "code"));
          }
          state->pending.erase(it);
        }
        const std::string masked = mask_mobile_number(fields->first);
        if (Status s = log->set_phone(consumer, masked, core::sha256_hex(fields->first)); !s.ok()) {
          return respond(problem_from_error(s.error()));
        }
        JsonWriter w;
        w.begin_object().field("phone", masked).field("verified", true).end_object();
        respond(json_response(200, w.take()));
      });

  // A document attached to a code's batch (inspection reports, production records), for anyone
  // holding the code: only documents of that batch, only while the code is active.
  auto codes = std::make_shared<projections::CodesQueries>(kit.views);
  router.add(
      "GET", "/v1/public/codes/{serial}/documents/{sha256}", "downloadPublicDocument",
      [i, codes](const HttpRequest&, const PathParams& p, Responder respond) {
        const std::string serial = path_param(p, "serial");
        const std::string sha = path_param(p, "sha256");
        auto code = codes->resolve(serial);
        if (!code || code->disabled) {
          return respond(problem_response(404, "code_not_found",
                                          "no active trace code with this serial", "serial"));
        }
        if (!core::is_sha256_hex(sha)) {
          return respond(problem_response(400, "sha256_invalid",
                                          "a document is named by 64 hex characters", "sha256"));
        }
        auto trace = i->queries.backward_trace(code->tenant, code->batch_id);
        if (!trace.ok()) return respond(problem_from_error(trace.error()));
        simdjson::dom::parser parser;
        simdjson::dom::array docs;
        std::string filename;
        if (!parser.parse(*trace)["documents"].get(docs)) {
          for (simdjson::dom::element d : docs) {
            std::string_view s, f;
            if (!d["sha256"].get_string().get(s) && s == sha && !d["filename"].get_string().get(f))
              filename = f;
          }
        }
        if (filename.empty()) {
          return respond(problem_response(404, "document_not_found",
                                          "no such document on this code's batch", "sha256"));
        }
        auto bytes = i->blobs.get(code->tenant, sha);
        if (!bytes.ok()) return respond(problem_from_error(bytes.error()));
        HttpResponse r;
        r.status = 200;
        r.content_type = "application/octet-stream";
        std::replace(filename.begin(), filename.end(), '"', '_');
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
        r.body = std::move(bytes).value();
        respond(std::move(r));
      });

  // Counterfeit alerts: the owner enterprise's codes, and every code for the platform (regulators).
  router.add("GET", "/v1/scan-alerts", "listScanAlerts",
             i->tenant_route(
                 [i](const HttpRequest&, const PathParams&, const Caller& c, Responder respond) {
                   ScanLog* log = i->options.scans;
                   if (!log) return respond(no_scan_log());
                   log->wait_written(kScanWaitMs);
                   respond(json_response(200, alerts_json(log->alerts(c.tenant))));
                 }));
  router.add("GET", "/v1/platform/scan-alerts", "listPlatformScanAlerts",
             [i](const HttpRequest& req, const PathParams&, Responder respond) {
               ScanLog* log = i->options.scans;
               if (!log) return respond(no_scan_log());
               log->wait_written(kScanWaitMs);
               // A bureau sees the alerts of codes owned in its jurisdiction (issue 13).
               respond(json_response(
                   200, alerts_json(log->alerts_of(enterprise_visible_to(i->views, req)))));
             });
}

}  // namespace agritrace::api
