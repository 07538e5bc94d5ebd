// Routes of the regulators' signed webhooks (issue 13, docs/REGULATOR-FEED.md): register an
// endpoint and secret for a jurisdiction, list them and their delivery state. Who may call them:
// api/http/route_policy.cpp (the platform operator, or a supervisor of a bureau); which webhooks:
// a bureau's jurisdiction must contain the webhook's (core/regulator/access.h).
#include "api/http/route_kit.h"
#include "api/regulator/webhooks.h"
#include "core/regulator/access.h"
#include "events/regulator/divisions.h"

namespace agritrace::api {
namespace {

// Whether the caller may see or register a webhook of `jurisdiction`: the platform operator any,
// a bureau those inside its own jurisdiction.
bool may_use_webhook_of(const Principal& p, std::string_view jurisdiction) {
  if (p.kind == PrincipalKind::kPlatformOperator) return true;
  if (!p.regulator()) return false;
  auto inner = core::parse_jurisdiction(jurisdiction, nullptr);
  return inner.ok() && core::contains(p.jurisdiction, *inner);
}

}  // namespace

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
               if (!may_use_webhook_of(req.context->principal, *j)) {
                 // A malformed jurisdiction is the webhook store's 422; a valid one outside the
                 // bureau's is refused here.
                 if (core::parse_jurisdiction(*j, &events::shipped_divisions()).ok()) {
                   return respond(problem_response(
                       403, "outside_jurisdiction",
                       "the webhook's jurisdiction is outside the bureau's", "jurisdiction"));
                 }
               }
               auto added = hooks->add(*j, *url, *secret);
               if (!added.ok()) return respond(problem_from_error(added.error()));
               respond(json_response(201, added->to_json()));
             });
  router.add("GET", "/v1/regulator/webhooks", "listRegulatorWebhooks",
             [hooks, unavailable](const HttpRequest& req, const PathParams&, Responder respond) {
               if (hooks == nullptr) return respond(unavailable());
               JsonWriter w;
               w.begin_object().key("webhooks").begin_array();
               for (const WebhookView& v : hooks->list()) {
                 if (may_use_webhook_of(req.context->principal, v.jurisdiction)) w.raw(v.to_json());
               }
               w.end_array().end_object();
               respond(json_response(200, w.take()));
             });
  router.add("GET", "/v1/regulator/webhooks/{webhook_id}", "getRegulatorWebhook",
             [hooks, unavailable](const HttpRequest& req, const PathParams& p, Responder respond) {
               if (hooks == nullptr) return respond(unavailable());
               auto v = hooks->get(path_param(p, "webhook_id"));
               if (!v || !may_use_webhook_of(req.context->principal, v->jurisdiction)) {
                 return respond(
                     problem_response(404, "webhook_not_found", "no such webhook", "webhook_id"));
               }
               respond(json_response(200, v->to_json()));
             });
}

}  // namespace agritrace::api
