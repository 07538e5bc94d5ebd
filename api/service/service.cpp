#include "api/service/service.h"

#include <openssl/rand.h>

#include "api/http/route_kit.h"
#include "api/public/scan_page.h"
#include "api/regulator/portal.h"

namespace agritrace::api {
namespace {

std::string base64url(const unsigned char* bytes, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buf = (buf << 8) | bytes[i];
    bits += 8;
    while (bits >= 6) {
      out.push_back(kAlphabet[(buf >> (bits - 6)) & 0x3f]);
      bits -= 6;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buf << (6 - bits)) & 0x3f]);
  return out;
}

// ---- request body -> command ------------------------------------------------------------------

}  // namespace

Result<std::string> random_token(Env& env, std::string_view prefix) {
  unsigned char secret[32];
  if (Status s = env.random_bytes(secret, sizeof secret); !s.ok()) return s.error();
  return std::string(prefix) + base64url(secret, sizeof secret);
}

Result<NewApiKey> generate_api_key(Env& env) {
  unsigned char secret[32];
  unsigned char id[6];
  if (Status s = env.random_bytes(secret, sizeof secret); !s.ok()) return s.error();
  if (Status s = env.random_bytes(id, sizeof id); !s.ok()) return s.error();
  NewApiKey k;
  k.key = "agk_" + base64url(secret, sizeof secret);
  k.key_id = "key_" + base64url(id, sizeof id);
  k.sha256 = core::sha256_hex(k.key);
  return k;
}

Service::Service(events::Ledger& ledger, events::CommandWriter& writer,
                 projections::ProjectionRunner& runner, projections::ViewStore& views,
                 BlobStore& blobs, MetricsRegistry& metrics, ServiceOptions options)
    : impl_([&] {
        options.access.admin_key_sha256 = options.admin_key_sha256;
        return std::make_unique<RouteKit>(ledger, writer, runner, views, blobs, metrics,
                                          std::move(options));
      }()) {
  RouteKit* i = impl_.get();
  metrics.gauge_callback("agritrace_events_appended_total",
                         "Events appended to the ledger by this process",
                         [i] { return static_cast<double>(i->writer.stats().events_appended); });
  metrics.gauge_callback("agritrace_commands_accepted_total", "Commands accepted by this process",
                         [i] { return static_cast<double>(i->writer.stats().commands_accepted); });
  metrics.gauge_callback("agritrace_commands_rejected_total", "Commands refused by this process",
                         [i] { return static_cast<double>(i->writer.stats().commands_rejected); });
  metrics.gauge_callback(
      "agritrace_commands_shed_total",
      "Commands answered 503 writer_queue_full because the writer's queue was full",
      [i] { return static_cast<double>(i->writer.stats().commands_shed); });
  metrics.gauge_callback("agritrace_writer_queue_depth", "Commands waiting for the writer thread",
                         [i] { return static_cast<double>(i->writer.stats().queued); });
  metrics.gauge_callback("agritrace_projection_events_applied_total", "Events applied to the views",
                         [i] { return static_cast<double>(i->runner.status().events_applied); });
  metrics.gauge_callback("agritrace_projection_lag_events", "Ledger events not yet in the views",
                         [i] {
                           const auto rs = i->runner.status();
                           return static_cast<double>(i->projection_lag(rs));
                         });
  metrics.gauge_callback("agritrace_ledger_available", "1 when the ledger is reachable",
                         [i] { return i->ledger.health().available ? 1.0 : 0.0; });
}

Service::~Service() = default;

std::function<bool(const HttpRequest&)> Service::answers_inline() const {
  return [kit = impl_.get()](const HttpRequest& req) {
    // The scan page's own style and script are constants in memory.
    if ((req.method == "GET" || req.method == "HEAD") &&
        (req.path == "/public/scan.css" || req.path == "/public/scan.js")) {
      return true;
    }
    return scan_answer_cached(*kit, req);
  };
}

void Service::register_routes(Router& router) {
  RouteKit* i = impl_.get();
  router.set_guard(&i->access);  // access control before every handler (api/http/route_policy.cpp)

  router.add("GET", "/healthz", "healthz",
             [i](const HttpRequest&, const PathParams&, Responder r) { r(i->healthz()); });
  router.add("GET", "/metrics", "metrics", [i](const HttpRequest&, const PathParams&, Responder r) {
    HttpResponse resp = text_response(200, i->metrics.render());
    resp.content_type = std::string(MetricsRegistry::kContentType);
    r(std::move(resp));
  });

  // Issue 17, R-8: the views' digest (as `agritrace replay` prints it) and what this node owns,
  // so that an operator (and the cluster test) can see every node's views converge.
  router.add("GET", "/v1/platform/views-digest", "getViewsDigest",
             [i](const HttpRequest& req, const PathParams&, Responder r) {
               i->with_views(req, std::move(r), [i] { return i->views_digest(); });
             });

  router.add("POST", "/v1/enterprises", "registerEnterprise",
             [i](const HttpRequest& req, const PathParams& p, Responder r) {
               i->register_enterprise(req, p, std::move(r));
             });
  router.add("GET", "/v1/enterprise", "getEnterprise",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest&) {
               return i->queries.enterprise(c.tenant);
             }));

  register_production_routes(*i, router);
  register_sales_routes(*i, router);
  register_receiving_routes(*i, router);
  register_uploads_routes(*i, router);
  register_retail_routes(*i, router);
  register_codes_routes(*i, router);
  register_trace_routes(*i, router);
  register_inventory_routes(*i, router);
  register_finance_routes(*i, router);
  register_market_routes(*i, router);
  register_devices_routes(*i, router);
  register_accounts_routes(*i, router);
  register_regulator_feed_routes(*i, router);
  register_regulator_routes(*i, router);
  register_interchange_routes(*i, router);

  register_payment_routes(*i, router);  // .P
  register_sampling_routes(*i, router);  // .S
  // Issue 12, the public end: consumer scan side (api/public/scan_routes.cpp)
  register_public_routes(*i, router);
  register_complaint_routes(*i, router);
  register_regulator_flow_routes(*i, router);
  register_regulator_inspection_routes(*i, router);
  register_regulator_portal(*i, router);  // issue 13: the zh-CN regulator portal (/regulator)

  // Documents: bytes by content address, per enterprise
  router.add("POST", "/v1/documents", "uploadDocument",
             i->tenant_route([i](const HttpRequest& req, const PathParams&, const Caller& c,
                                 Responder r) { i->upload_document(req, c, std::move(r)); }));
  router.add(
      "GET", "/v1/documents/{sha256}", "getDocument",
      i->tenant_route([i](const HttpRequest&, const PathParams& p, const Caller& c, Responder r) {
        auto bytes = i->blobs.get(c.tenant, path_param(p, "sha256"));
        if (!bytes.ok()) return r(problem_from_error(bytes.error()));
        HttpResponse resp;
        resp.status = 200;
        resp.content_type = "application/octet-stream";
        resp.body = std::move(bytes).value();
        r(std::move(resp));
      }));
}

}  // namespace agritrace::api
