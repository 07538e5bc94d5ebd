// Routes of the regulator end (issue 13, docs/REGULATOR.md): bureaus and their accounts, login of
// a bureau's user, R-4.5.1 entity filing. Who may call each: api/http/route_policy.cpp
// (Audience::kRegulator, the bureau role's rights); which records: the jurisdiction policy
// (core/regulator/access.h), applied by the rules (writes) and projections/regulator/queries.h
// (reads). Regulator commands are recorded in the tenant core::kRegulatorsTenant.
#include <array>

#include "api/http/route_kit.h"
#include "api/regulator/regulator_route.h"
#include "api/regulator/visibility.h"
#include "core/regulator/access.h"
#include "core/regulator/rules.h"
#include "events/regulator/divisions.h"
#include "projections/regulator/queries.h"

namespace agritrace::api {
namespace {

// The fields of an entity's filing or amendment.
Result<core::EntityRecord> entity_record(const JsonInput& in) {
  AGT_CHECK(in.only({"name", "premises_type", "uscc", "id_number", "division", "address",
                     "legal_representative", "contact_person", "phone"}));
  core::EntityRecord r;
  AGT_SET(r.name, in.str("name", core::kMaxNameBytes));
  AGT_SET(r.premises_type, in.str("premises_type", 32));
  AGT_SET(r.uscc, in.opt_str("uscc", 32));
  AGT_SET(r.id_number, in.opt_str("id_number", 32));
  AGT_SET(r.division, in.str("division", 6));
  // A division the shipped table does not list is refused before the rules (they check codes
  // and jurisdictions, not the table).
  if (core::is_division_code(r.division) && events::shipped_divisions().find(r.division) == nullptr) {
    return invalid("division_unknown", "division " + r.division + " is not in the division table",
                   "division");
  }
  AGT_SET(r.address, in.str("address", core::kMaxTextBytes));
  AGT_SET(r.legal_representative, in.opt_str("legal_representative", core::kMaxNameBytes));
  AGT_SET(r.contact_person, in.str("contact_person", core::kMaxNameBytes));
  AGT_SET(r.phone, in.str("phone", 32));
  return r;
}

}  // namespace

void register_regulator_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;

  // ---- bureaus and their accounts (platform operator) ----
  router.add("POST", "/v1/regulator/bureaus", "registerBureau",
             [i](const HttpRequest& req, const PathParams&, Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto in = JsonInput::parse(req.body);
               if (!in.ok())
                 return respond(problem_response(400, in.error().reason, in.error().message));
               auto cmd = [&]() -> Result<core::Command> {
                 AGT_CHECK(in->only({"bureau_id", "name", "jurisdiction"}));
                 core::RegisterBureau c;
                 AGT_SET(c.bureau_id, in->str("bureau_id", 32));
                 AGT_SET(c.name, in->str("name", core::kMaxNameBytes));
                 AGT_TRY(j, in->str("jurisdiction", 16));
                 AGT_TRY(parsed, core::parse_jurisdiction(j, &events::shipped_divisions()));
                 c.jurisdiction = parsed.id;
                 return core::Command(std::move(c));
               }();
               i->submit(req, std::move(respond),
                         Caller{std::string(core::kRegulatorsTenant), "admin", true},
                         "register_bureau", std::move(cmd), 201);
             });
  router.add("POST", "/v1/regulator/bureaus/{bureau_id}/users", "createRegulatorUser",
             [i](const HttpRequest& req, const PathParams& p, Responder respond) {
               if (i->json_too_large(req, respond)) return;
               if (!req.context) {  // no guard: fail closed
                 return respond(problem_response(403, "regulator_required",
                                                 "this route needs the platform operator or a "
                                                 "bureau's supervisor",
                                                 "Authorization"));
               }
               const Principal& who = req.context->principal;
               const std::string& bureau = path_param(p, "bureau_id");
               // A supervisor manages its own bureau's accounts only.
               if (who.regulator() && who.tenant != bureau) {
                 return respond(problem_response(403, "bureau_forbidden",
                                                 "a supervisor manages its own bureau's accounts",
                                                 "bureau_id"));
               }
               auto in = JsonInput::parse(req.body);
               if (!in.ok())
                 return respond(problem_response(400, in.error().reason, in.error().message));
               auto cmd = [&]() -> Result<core::Command> {
                 AGT_CHECK(in->only({"username", "password", "role"}));
                 core::CreateRegulatorUser c;
                 c.bureau_id = bureau;
                 AGT_SET(c.username, in->str("username", 64));
                 AGT_SET(c.role, in->str("role", 32));
                 AGT_TRY(password, in->str("password", core::kMaxPasswordBytes));
                 AGT_SET(c.password_hash, i->new_password_hash(c.username, password, "password"));
                 return core::Command(std::move(c));
               }();
               Caller caller = who.regulator()
                                   ? regulator_caller(who)
                                   : Caller{std::string(core::kRegulatorsTenant), "admin", true};
               i->submit(req, std::move(respond), caller, "create_regulator_user", std::move(cmd),
                         201);
             });

  // ---- login of a bureau's user ----
  router.add(
      "POST", "/v1/regulator/sessions", "createRegulatorSession",
      [i](const HttpRequest& req, const PathParams&, Responder respond) {
        if (i->json_too_large(req, respond)) return;
        auto in = JsonInput::parse(req.body);
        if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
        auto fields = [&]() -> Result<std::array<std::string, 3>> {
          AGT_CHECK(in->only({"bureau_id", "username", "password"}));
          AGT_TRY(bureau, in->str("bureau_id", 32));
          AGT_TRY(username, in->str("username", 64));
          AGT_TRY(password, in->str("password", core::kMaxPasswordBytes));
          return std::array<std::string, 3>{bureau, username, password};
        }();
        if (!fields.ok()) return respond(problem_from_error(fields.error()));
        const auto& [bureau, username, password] = *fields;
        req.context->principal = Principal{};
        auto login = i->access.login(bureau, username, password, &req.context->principal, true);
        if (!login.ok()) return respond(AccessControl::login_refusal(login.error()));
        JsonWriter w;
        w.begin_object()
            .field("token", login->token)
            .field("token_type", "Bearer")
            .field("expires_at", core::format_rfc3339_utc(login->expires_at_ms))
            .field("bureau_id", login->user.tenant)
            .field("user_id", login->user.user_id)
            .field("username", login->user.username)
            .field("role", core::regulator_role_name(login->user.regulator_role))
            .field("jurisdiction", login->user.jurisdiction)
            .end_object();
        respond(json_response(201, w.take()));
      });

  router.add("GET", "/v1/regulator/bureau", "getMyBureau",
             regulator_route([](const HttpRequest&, const PathParams&, const Principal& p,
                                Responder respond) {
               JsonWriter w;
               w.begin_object()
                   .field("bureau_id", p.tenant)
                   .field("user_id", p.id)
                   .field("username", p.name)
                   .field("role", core::regulator_role_name(p.regulator_role))
                   .field("jurisdiction", p.jurisdiction.id)
                   .key("divisions")
                   .begin_array();
               for (const std::string& m : p.jurisdiction.members) w.value(m);
               w.end_array().key("rights").begin_array();
               for (core::RegulatorRight r : core::kAllRegulatorRights) {
                 if (core::regulator_role_allows(p.regulator_role, r)) {
                   w.value(core::regulator_right_name(r));
                 }
               }
               w.end_array().end_object();
               respond(json_response(200, w.take()));
             }));

  // ---- entity filing ----
  auto on_platform = [i](std::string_view uscc) { return i->writer.tenant_registered(uscc); };
  router.add("GET", "/v1/regulator/entities", "listRegulatedEntities",
             regulator_route([i, on_platform](const HttpRequest& req, const PathParams&,
                                              const Principal& p, Responder respond) {
               i->with_views(req, std::move(respond), [i, req, p, on_platform] {
                 auto page = RouteKit::page_of(req);
                 if (!page.ok()) return problem_from_error(page.error());
                 std::optional<std::string> division;
                 if (auto d = req.query_param("division"); d && !d->empty()) division.emplace(*d);
                 return RouteKit::answer(projections::regulated_entities(
                     i->views, regulator_viewer(p, i->env), division, *page, on_platform));
               });
             }));
  router.add("GET", "/v1/regulator/entities/{entity_id}", "getRegulatedEntity",
             regulator_route([i, on_platform](const HttpRequest& req, const PathParams& params,
                                              const Principal& p, Responder respond) {
               const std::string id = path_param(params, "entity_id");
               i->with_views(req, std::move(respond), [i, id, p, on_platform] {
                 return RouteKit::answer(
                     projections::regulated_entity(i->views, regulator_viewer(p, i->env), id, on_platform));
               });
             }));
  router.add("POST", "/v1/regulator/entities", "fileRegulatedEntity",
             regulator_route([i](const HttpRequest& req, const PathParams&, const Principal& p,
                                 Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto in = JsonInput::parse(req.body);
               if (!in.ok())
                 return respond(problem_response(400, in.error().reason, in.error().message));
               auto cmd = [&]() -> Result<core::Command> {
                 AGT_TRY(r, entity_record(*in));
                 return core::Command(core::FileEntity{p.tenant, std::move(r)});
               }();
               i->submit(req, std::move(respond), regulator_caller(p), "file_entity",
                         std::move(cmd), 201);
             }));
  router.add("PUT", "/v1/regulator/entities/{entity_id}", "amendRegulatedEntity",
             regulator_route([i](const HttpRequest& req, const PathParams& params,
                                 const Principal& p, Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto in = JsonInput::parse(req.body);
               if (!in.ok())
                 return respond(problem_response(400, in.error().reason, in.error().message));
               auto cmd = [&]() -> Result<core::Command> {
                 AGT_TRY(r, entity_record(*in));
                 return core::Command(
                     core::AmendEntity{p.tenant, path_param(params, "entity_id"), std::move(r)});
               }();
               i->submit(req, std::move(respond), regulator_caller(p), "amend_entity",
                         std::move(cmd), 200);
             }));
}

}  // namespace agritrace::api
