// Routes of accounts (issue 16, GB/T 22239 level 2): user accounts, login sessions, scoped API
// keys and the audit trail. Who may call each is the route policy (api/http/route_policy.cpp).
#include <charconv>

#include "api/http/route_kit.h"

namespace agritrace::api {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// Shows a newly drawn key once; a replayed answer cannot (the key was never registered).
RouteKit::AnswerExtra show_key(const NewApiKey& key) {
  return [key](JsonWriter& w, const events::CommandOutcome& out) {
    if (out.replayed) {
      w.field("api_key_id", "(shown in the first answer only)");
    } else {
      w.field("api_key_id", key.key_id).field("api_key", key.key);
    }
  };
}

}  // namespace

void register_accounts_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;

  // ---- user accounts ----
  router.add("POST", "/v1/accounts/users", "createUser",
             i->command_route("create_user", 201,
                              [i](const JsonInput& in, const PathParams&) -> Result<core::Command> {
                                AGT_CHECK(in.only({"username", "password", "role"}));
                                core::CreateUser c;
                                AGT_SET(c.username, in.str("username", 64));
                                AGT_SET(c.role, in.str("role", 32));
                                AGT_TRY(password, in.str("password", core::kMaxPasswordBytes));
                                AGT_SET(c.password_hash,
                                        i->new_password_hash(c.username, password, "password"));
                                return core::Command(std::move(c));
                              }));

  // ---- login sessions ----
  router.add("POST", "/v1/sessions", "createSession",
             [i](const HttpRequest& req, const PathParams&, Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto in = JsonInput::parse(req.body);
               if (!in.ok())
                 return respond(problem_response(400, in.error().reason, in.error().message));
               auto fields = [&]() -> Result<std::array<std::string, 3>> {
                 AGT_CHECK(in->only({"enterprise_id", "username", "password"}));
                 AGT_TRY(tenant, in->str("enterprise_id", 32));
                 AGT_TRY(username, in->str("username", 64));
                 AGT_TRY(password, in->str("password", core::kMaxPasswordBytes));
                 return std::array<std::string, 3>{tenant, username, password};
               }();
               if (!fields.ok()) return respond(problem_from_error(fields.error()));
               const auto& [tenant, username, password] = *fields;
               req.context->principal = Principal{};  // whoever logs in, not a token sent along
               auto login = i->access.login(tenant, username, password, &req.context->principal);
               if (!login.ok()) return respond(AccessControl::login_refusal(login.error()));
               JsonWriter w;
               w.begin_object()
                   .field("token", login->token)
                   .field("token_type", "Bearer")
                   .field("expires_at", core::format_rfc3339_utc(login->expires_at_ms))
                   .field("enterprise_id", login->user.tenant)
                   .field("user_id", login->user.user_id)
                   .field("username", login->user.username)
                   .field("role", core::role_name(login->user.role))
                   .end_object();
               respond(json_response(201, w.take()));
             });
  router.add("DELETE", "/v1/sessions/current", "deleteSession",
             [i](const HttpRequest& req, const PathParams&, Responder respond) {
               const Principal& p = req.context->principal;
               if (p.session_sha256.empty()) {
                 return respond(problem_response(
                     400, "session_required",
                     "log out with the session's token, not with an API key", "Authorization"));
               }
               i->access.logout(p);
               HttpResponse r;
               r.status = 204;
               respond(std::move(r));
             });

  // ---- scoped API keys ----
  router.add("POST", "/v1/api-keys", "createApiKey",
             i->tenant_route([i](const HttpRequest& req, const PathParams&, const Caller& caller,
                                 Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto in = JsonInput::parse(req.body);
               if (!in.ok())
                 return respond(problem_response(400, in.error().reason, in.error().message));
               auto key = generate_api_key(i->env);
               if (!key.ok()) return respond(problem_from_error(key.error()));
               auto cmd = [&]() -> Result<core::Command> {
                 AGT_CHECK(in->only({"name", "access", "areas", "expires_in_days"}));
                 core::CreateApiKey c;
                 c.key_id = key->key_id;
                 c.api_key_sha256 = key->sha256;
                 AGT_SET(c.name, in->str("name", core::kMaxNameBytes));
                 AGT_SET(c.access, in->str("access", 16));
                 if (in->has("areas")) AGT_SET(c.areas, in->str_array("areas", 16));
                 if (in->has("expires_in_days")) {
                   AGT_TRY(days, in->i64("expires_in_days"));
                   if (days < 1 || days > 3660) {
                     return invalid("expires_in_days_invalid", "expires_in_days must be 1..3660",
                                    "expires_in_days");
                   }
                   c.expires_at_ms = i->env.now_ms() + days * kDayMs;
                 }
                 return core::Command(std::move(c));
               }();
               i->submit(req, std::move(respond), caller, "create_api_key", std::move(cmd), 201,
                         show_key(*key));
             }));
  router.add("POST", "/v1/api-keys/{key_id}/rotate", "rotateApiKey",
             i->tenant_route([i](const HttpRequest& req, const PathParams& p, const Caller& caller,
                                 Responder respond) {
               auto key = generate_api_key(i->env);
               if (!key.ok()) return respond(problem_from_error(key.error()));
               // The key keeps its id: the new secret replaces the old one at once.
               NewApiKey shown = *key;
               shown.key_id = path_param(p, "key_id");
               i->submit(req, std::move(respond), caller, "rotate_api_key",
                         core::Command(core::RotateApiKey{shown.key_id, key->sha256}), 200,
                         show_key(shown));
             }));
  router.add("POST", "/v1/api-keys/{key_id}/revoke", "revokeApiKey",
             i->command_route("revoke_api_key", 200,
                              RouteKit::reason_command<core::RevokeApiKey>("key_id"), {}, true));

  // ---- the audit trail ----
  router.add(
      "GET", "/v1/audit", "getAuditTrail",
      [i](const HttpRequest& req, const PathParams&, Responder respond) {
        if (i->options.audit == nullptr) {
          return respond(
              problem_response(503, "audit_unavailable", "this server keeps no audit trail"));
        }
        const Principal& p = req.context->principal;
        std::optional<std::string> tenant;
        if (p.kind == PrincipalKind::kPlatformOperator) {
          if (auto t = req.query_param("tenant")) tenant.emplace(*t);
        } else {
          tenant = p.tenant;  // an enterprise administrator sees its own enterprise only
          if (auto t = req.query_param("tenant"); t && *t != p.tenant) {
            return respond(problem_response(
                403, "tenant_forbidden", "an enterprise sees its own audit trail only", "tenant"));
          }
        }
        auto limit = query_int(req, "limit", 1, 1000, 100);
        if (!limit.ok()) return respond(problem_from_error(limit.error()));
        auto after = query_int(req, "after_seq", 0, INT64_MAX, 0);
        if (!after.ok()) return respond(problem_from_error(after.error()));
        auto page = i->options.audit->query(tenant ? &*tenant : nullptr, *after,
                                            static_cast<size_t>(*limit));
        if (!page.ok()) return respond(problem_from_error(page.error()));
        JsonWriter w;
        w.begin_object().key("records").begin_array();
        for (const std::string& r : page->records) w.raw(r);
        w.end_array().field("next_after_seq", page->next_after).end_object();
        respond(json_response(200, w.take()));
      });
}

}  // namespace agritrace::api
