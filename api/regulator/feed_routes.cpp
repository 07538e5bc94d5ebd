// Routes of the regulators' signed webhooks (issue 13, docs/REGULATOR-FEED.md): register an
// endpoint and secret for a jurisdiction, list them and their delivery state. Who may call them:
// api/http/route_policy.cpp (the platform operator until bureau accounts exist).
#include "api/http/route_kit.h"
#include "api/regulator/webhooks.h"

namespace agritrace::api {

void register_regulator_feed_routes(RouteKit& kit, Router& router) {
  RegulatorWebhooks* hooks = kit.options.webhooks;
  auto unavailable = [] {
    return problem_response(503, "webhooks_unavailable", "this server delivers no webhooks");
  };
  router.add("POST", "/v1/regulator/webhooks", "registerRegulatorWebhook",
             [hooks, unavailable](const HttpRequest& req, const PathParams&, Responder respond) {
               if (hooks == nullptr) return respond(unavailable());
               auto in = JsonInput::parse(req.body);
               if (!in.ok()) return respond(problem_from_error(in.error()));
               if (Status s = in->only({"jurisdiction", "url", "secret"}); !s.ok()) {
                 return respond(problem_from_error(s.error()));
               }
               auto j = in->str("jurisdiction", 16);
               auto url = in->str("url", 2048);
               auto secret = in->str("secret", 256);
               for (const Status& s : {j.status(), url.status(), secret.status()}) {
                 if (!s.ok()) return respond(problem_from_error(s.error()));
               }
               auto added = hooks->add(*j, *url, *secret);
               if (!added.ok()) return respond(problem_from_error(added.error()));
               respond(json_response(201, added->to_json()));
             });
  router.add("GET", "/v1/regulator/webhooks", "listRegulatorWebhooks",
             [hooks, unavailable](const HttpRequest&, const PathParams&, Responder respond) {
               if (hooks == nullptr) return respond(unavailable());
               JsonWriter w;
               w.begin_object().key("webhooks").begin_array();
               for (const WebhookView& v : hooks->list()) w.raw(v.to_json());
               w.end_array().end_object();
               respond(json_response(200, w.take()));
             });
  router.add("GET", "/v1/regulator/webhooks/{webhook_id}", "getRegulatorWebhook",
             [hooks, unavailable](const HttpRequest&, const PathParams& p, Responder respond) {
               if (hooks == nullptr) return respond(unavailable());
               auto v = hooks->get(path_param(p, "webhook_id"));
               if (!v) {
                 return respond(
                     problem_response(404, "webhook_not_found", "no such webhook", "webhook_id"));
               }
               respond(json_response(200, v->to_json()));
             });
}

}  // namespace agritrace::api
