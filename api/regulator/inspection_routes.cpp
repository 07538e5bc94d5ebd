// Routes of supervision inspections (issue 13, docs/REGULATOR.md): the checklist, the
// inspection forms (documents of the regulators' content-addressed store), inspections, risk
// grades, the overdue list and the random draws (双随机). Who may call each:
// api/http/route_policy.cpp (Audience::kRegulator and the role's right); which records: the
// jurisdiction policy (core/regulator/access.h) in the rules (writes) and
// projections/regulator/inspection_queries.h (reads).
#include <cstring>

#include "api/http/route_kit.h"
#include "api/regulator/regulator_route.h"
#include "core/regulator/access.h"
#include "core/regulator/draw_algorithm.h"
#include "core/regulator/inspection_rules.h"
#include "core/regulator/rules.h"
#include "events/regulator/divisions.h"
#include "events/regulator/inspection_checklist_data.h"
#include "projections/regulator/inspection_queries.h"

namespace agritrace::api {
namespace {

constexpr size_t kMaxFormBytes = 10 * 1024 * 1024;  // an inspection form: at most 10 MiB

// A read of the views (read-your-writes with ?after=<position>) answering q(viewer, request).
RouteHandler regulator_query(
    RouteKit* i, std::function<Result<std::string>(const projections::RegulatorViewer&,
                                                   const HttpRequest&, const PathParams&)>
                     q) {
  return regulator_route([i, q = std::move(q)](const HttpRequest& req, const PathParams& params,
                                               const Principal& p, Responder respond) {
    i->with_views(req, std::move(respond), [i, q, req, params, p] {
      return RouteKit::answer(q(regulator_viewer(p, i->env), req, params));
    });
  });
}

// Splices the fields of a JSON object into the object `w` is writing.
void splice_fields(JsonWriter& w, const std::string& object_json) {
  if (object_json.size() > 2)
    w.raw(std::string_view(object_json).substr(1, object_json.size() - 2));
}

// The media type of a form's bytes by their magic numbers ("" when none we accept).
std::string_view sniff_form_type(std::string_view b) {
  static constexpr unsigned char kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 5 && b.substr(0, 5) == "%PDF-") return "application/pdf";
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xff &&
      static_cast<unsigned char>(b[1]) == 0xd8 && static_cast<unsigned char>(b[2]) == 0xff) {
    return "image/jpeg";
  }
  if (b.size() >= sizeof kPng && std::memcmp(b.data(), kPng, sizeof kPng) == 0) {
    return "image/png";
  }
  return {};
}

std::string media_type_of(const HttpRequest& req) {
  std::string t(req.header("Content-Type").value_or(""));
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

Result<core::Command> parse_inspection(RouteKit& kit, const JsonInput& in, const Principal& p) {
  AGT_CHECK(in.only({"entity_id", "inspected_on", "inspectors", "items", "findings", "follow_up",
                     "follow_up_due", "form_sha256"}));
  core::RecordInspection c;
  c.bureau_id = p.tenant;
  c.recorded_by = p.name;
  AGT_SET(c.entity_id, in.str("entity_id", 32));
  AGT_SET(c.inspected_on, date_at(in, "inspected_on"));
  AGT_SET(c.inspectors, in.str_array("inspectors", 10));
  const core::InspectionChecklist& checklist = events::shipped_checklist();
  c.checklist_version = checklist.version;
  AGT_TRY(items, in.object_array("items", 200));
  for (size_t n = 0; n < items.size(); ++n) {
    const JsonInput& item = items[n];
    AGT_CHECK(item.only({"code", "result", "note"}));
    core::InspectionItemResult r;
    AGT_SET(r.code, item.str("code", 16));
    if (checklist.find(r.code) == nullptr) {
      return invalid("checklist_item_unknown",
                     "item " + r.code + " is not in the checklist " + checklist.version +
                         " (GET /v1/regulator/checklist)",
                     "items[" + std::to_string(n) + "].code");
    }
    AGT_SET(r.result, item.str("result", 32));
    AGT_SET(r.note, item.opt_str("note", core::kMaxNoteBytes));
    c.items.push_back(std::move(r));
  }
  AGT_SET(c.findings, in.opt_str("findings", core::kMaxNoteBytes));
  AGT_SET(c.follow_up, in.opt_str("follow_up", core::kMaxNoteBytes));
  AGT_SET(c.follow_up_due, opt_date_at(in, "follow_up_due"));
  AGT_SET(c.form_sha256, in.str("form_sha256", 64));
  if (!core::is_sha256_hex(c.form_sha256)) {
    return invalid("form_sha256_invalid", "form_sha256 is 64 lowercase hex characters",
                   "form_sha256");
  }
  // The signed form is uploaded first (POST /v1/regulator/documents).
  if (!kit.blobs.stat(core::kRegulatorsTenant, c.form_sha256)) {
    return invalid("form_not_found",
                   "no document with this sha256: upload the signed form first (POST "
                   "/v1/regulator/documents)",
                   "form_sha256");
  }
  return core::Command(std::move(c));
}

Result<core::Command> parse_draw(RouteKit& kit, const JsonInput& in, const Principal& p) {
  AGT_CHECK(in.only(
      {"seed", "entity_count", "inspectors_per_entity", "division", "premises_types", "recusals"}));
  core::DrawInspections c;
  c.bureau_id = p.tenant;
  c.drawn_by = p.name;
  if (in.has("seed")) {
    AGT_TRY(seed, in.str("seed", 16));
    AGT_SET(c.seed, core::parse_seed(seed, "seed"));
  } else {
    c.seed = kit.env.random_seed();  // the Env's randomness, recorded with the draw
  }
  AGT_SET(c.entity_count, in.i64("entity_count"));
  if (in.has("inspectors_per_entity"))
    AGT_SET(c.inspectors_per_entity, in.i64("inspectors_per_entity"));
  AGT_SET(c.division, in.opt_str("division", 6));
  if (!c.division.empty() && core::is_division_code(c.division) &&
      events::shipped_divisions().find(c.division) == nullptr) {
    return invalid("division_unknown", "division " + c.division + " is not in the division table",
                   "division");
  }
  if (in.has("premises_types")) AGT_SET(c.premises_types, in.str_array("premises_types", 8));
  if (in.has("recusals")) {
    AGT_TRY(recusals, in.object_array("recusals", 1000));
    for (const JsonInput& r : recusals) {
      AGT_CHECK(r.only({"inspector", "entity_id"}));
      core::DrawRecusal d;
      AGT_SET(d.inspector, r.str("inspector", 64));
      AGT_SET(d.entity_id, r.str("entity_id", 32));
      c.recusals.push_back(std::move(d));
    }
  }
  return core::Command(std::move(c));
}

// After the views hold the command's events: the record read back, spliced into the answer.
RouteKit::AnswerExtra read_back(
    RouteKit* i, Principal p,
    std::function<Result<std::string>(const projections::RegulatorViewer&, const std::string&)>
        read) {
  return [i, p = std::move(p), read = std::move(read)](JsonWriter& w,
                                                       const events::CommandOutcome& out) {
    if (out.events.empty()) return;
    auto r = read(regulator_viewer(p, i->env), out.events.front().subject);
    if (r.ok()) splice_fields(w, *r);
  };
}


using RegulatorRead =
    std::function<Result<std::string>(const projections::RegulatorViewer&, const std::string&)>;

// A regulator command from a JSON body: 201 with the record it created read back (`read`).
RouteHandler regulator_create(RouteKit* i, std::string command_name,
                              Result<core::Command> (*parse)(RouteKit&, const JsonInput&,
                                                             const Principal&),
                              RegulatorRead read) {
  return regulator_route([i, command_name, parse, read](const HttpRequest& req, const PathParams&,
                                                        const Principal& p, Responder respond) {
    if (i->json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    i->submit(req, std::move(respond), regulator_caller(p), command_name, parse(*i, *in, p), 201,
              read_back(i, p, read), {}, true);
  });
}

}  // namespace

void register_regulator_inspection_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto on_platform = [i](std::string_view uscc) { return i->writer.tenant_registered(uscc); };

  // ---- the checklist ----
  router.add("GET", "/v1/regulator/checklist", "getInspectionChecklist",
             regulator_route(
                 [](const HttpRequest&, const PathParams&, const Principal&, Responder respond) {
                   const core::InspectionChecklist& c = events::shipped_checklist();
                   JsonWriter w;
                   w.begin_object()
                       .field("version", c.version)
                       .field("source", c.source)
                       .key("items")
                       .begin_array();
                   for (const core::ChecklistItem& item : c.items) {
                     w.begin_object()
                         .field("code", item.code)
                         .field("section", item.section)
                         .field("text", item.text)
                         .field("key", item.key)
                         .end_object();
                   }
                   w.end_array().end_object();
                   respond(json_response(200, w.take()));
                 }));

  // ---- inspection forms: content-addressed documents of the regulators tenant ----
  router.add(
      "POST", "/v1/regulator/documents", "uploadRegulatorDocument",
      regulator_route([i](const HttpRequest& req, const PathParams&, const Principal&,
                          Responder respond) {
        const std::string declared = media_type_of(req);
        if (declared != "application/pdf" && declared != "image/jpeg" && declared != "image/png") {
          return respond(problem_response(
              415, "document_type_unsupported",
              "an inspection form is application/pdf, image/jpeg or image/png", "Content-Type"));
        }
        if (req.body.empty()) {
          return respond(
              problem_response(422, "document_empty", "the document has no bytes", "body"));
        }
        if (req.body.size() > kMaxFormBytes) {
          return respond(problem_response(413, "document_too_large",
                                          "an inspection form is at most 10 MiB", "body"));
        }
        if (sniff_form_type(req.body) != declared) {
          return respond(problem_response(
              422, "document_type_mismatch",
              "the bytes are not a " + declared + " document (checked by their magic number)",
              "body"));
        }
        auto info = i->blobs.put(core::kRegulatorsTenant, req.body);
        if (!info.ok()) return respond(problem_from_error(info.error()));
        JsonWriter w;
        w.begin_object()
            .field("sha256", info->sha256)
            .field("size", info->size_bytes)
            .field("content_type", declared)
            .end_object();
        respond(json_response(201, w.take()));
      }));
  router.add(
      "GET", "/v1/regulator/documents/{sha256}", "getRegulatorDocument",
      regulator_route([i](const HttpRequest& req, const PathParams& params, const Principal& p,
                          Responder respond) {
        const std::string sha = path_param(params, "sha256");
        i->with_views(req, std::move(respond), [i, sha, p]() -> HttpResponse {
          auto missing = [&] {
            return problem_response(404, "document_not_found",
                                    "no inspection form " + sha + " in the jurisdiction", "sha256");
          };
          if (!core::is_sha256_hex(sha) ||
              !projections::inspection_form_visible(i->views, regulator_viewer(p, i->env), sha)) {
            return missing();
          }
          auto bytes = i->blobs.get(core::kRegulatorsTenant, sha);
          if (!bytes.ok()) return missing();
          HttpResponse resp;
          resp.status = 200;
          const std::string_view type = sniff_form_type(*bytes);
          resp.content_type = type.empty() ? "application/octet-stream" : std::string(type);
          resp.body = std::move(bytes).value();
          return resp;
        });
      }));

  // ---- inspections ----
  router.add("POST", "/v1/regulator/inspections", "recordInspection",
             regulator_create(i, "record_inspection", parse_inspection,
                              [i](const projections::RegulatorViewer& v, const std::string& id) {
                                return projections::regulator_inspection(i->views, v, id);
                              }));
  router.add("GET", "/v1/regulator/inspections", "listInspections",
             regulator_query(i,
                             [i](const projections::RegulatorViewer& v, const HttpRequest& req,
                                 const PathParams&) -> Result<std::string> {
                               AGT_TRY(page, RouteKit::page_of(req));
                               std::optional<std::string> entity;
                               if (auto e = req.query_param("entity_id"); e && !e->empty())
                                 entity.emplace(*e);
                               return projections::regulator_inspections(i->views, v, entity, page);
                             }));
  router.add("GET", "/v1/regulator/inspections/{inspection_id}", "getInspection",
             regulator_query(i, [i](const projections::RegulatorViewer& v, const HttpRequest&,
                                    const PathParams& params) {
               return projections::regulator_inspection(i->views, v,
                                                        path_param(params, "inspection_id"));
             }));

  // ---- risk grades and the overdue list ----
  router.add(
      "PUT", "/v1/regulator/entities/{entity_id}/risk-grade", "setEntityRiskGrade",
      regulator_route([i, on_platform](const HttpRequest& req, const PathParams& params,
                                       const Principal& p, Responder respond) {
        if (i->json_too_large(req, respond)) return;
        auto in = JsonInput::parse(req.body);
        if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
        auto cmd = [&]() -> Result<core::Command> {
          AGT_CHECK(in->only({"grade", "reason"}));
          core::AssignRiskGrade c;
          c.bureau_id = p.tenant;
          c.entity_id = path_param(params, "entity_id");
          AGT_SET(c.grade, in->str("grade", 1));
          AGT_SET(c.reason, in->opt_str("reason", core::kMaxNoteBytes));
          return core::Command(std::move(c));
        }();
        i->submit(
            req, std::move(respond), regulator_caller(p), "set_risk_grade", std::move(cmd), 200,
            read_back(
                i, p,
                [i, on_platform](const projections::RegulatorViewer& v, const std::string& id) {
                  return projections::regulated_entity(i->views, v, id, on_platform);
                }),
            {}, true);
      }));
  router.add("GET", "/v1/regulator/inspections-overdue", "listOverdueEntities",
             regulator_query(
                 i,
                 [i, on_platform](const projections::RegulatorViewer& v, const HttpRequest& req,
                                  const PathParams&) -> Result<std::string> {
                   AGT_TRY(page, RouteKit::page_of(req));
                   std::optional<std::string> division;
                   if (auto d = req.query_param("division"); d && !d->empty()) division.emplace(*d);
                   return projections::overdue_entities(i->views, v, division, page, on_platform);
                 }));

  // ---- random draws (双随机) ----
  router.add("POST", "/v1/regulator/draws", "createInspectionDraw",
             regulator_create(i, "draw_inspections", parse_draw,
                              [i](const projections::RegulatorViewer& v, const std::string& id) {
                                return projections::regulator_draw(i->views, v, id);
                              }));
  router.add("GET", "/v1/regulator/draws", "listInspectionDraws",
             regulator_query(i,
                             [i](const projections::RegulatorViewer& v, const HttpRequest& req,
                                 const PathParams&) -> Result<std::string> {
                               AGT_TRY(page, RouteKit::page_of(req));
                               return projections::regulator_draws(i->views, v, page);
                             }));
  router.add("GET", "/v1/regulator/draws/{draw_id}", "getInspectionDraw",
             regulator_query(i, [i](const projections::RegulatorViewer& v, const HttpRequest&,
                                    const PathParams& params) {
               return projections::regulator_draw(i->views, v, path_param(params, "draw_id"));
             }));
  router.add("GET", "/v1/regulator/draws/{draw_id}/verification", "verifyInspectionDraw",
             regulator_query(i, [i](const projections::RegulatorViewer& v, const HttpRequest&,
                                    const PathParams& params) {
               return projections::draw_verification(i->views, v, path_param(params, "draw_id"));
             }));
}

}  // namespace agritrace::api
