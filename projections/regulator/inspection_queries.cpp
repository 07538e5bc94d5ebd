#include "projections/regulator/inspection_queries.h"

#include <simdjson.h>

#include <vector>

#include "core/base/digest.h"
#include "core/regulator/access.h"
#include "core/regulator/draw_algorithm.h"
#include "core/regulator/risk_grade.h"
#include "core/regulator/rules.h"
#include "projections/regulator/inspection_keys.h"

namespace agritrace::projections {
namespace {

constexpr std::string_view kTenant = core::kRegulatorsTenant;

Error not_found_error(std::string reason, std::string what, std::string_view id,
                      std::string field) {
  return make_error(ErrorCode::kNotFound, std::move(reason),
                    "no " + what + " " + std::string(id) + " in the jurisdiction",
                    std::move(field));
}

// The entity when it lies in the viewer's jurisdiction.
std::optional<StoredEntity> visible_entity(const ViewStore& v, const RegulatorViewer& viewer,
                                           std::string_view entity_id) {
  auto e = load_regulated_entity(v, entity_id);
  if (!e || !core::in_jurisdiction(viewer.jurisdiction, e->get("division"))) return std::nullopt;
  return e;
}

std::string with_entity_name(const std::string& stored, const StoredEntity& e) {
  JsonWriter w;
  w.begin_object().field("entity_name", e.get("name")).end_object();
  return merge_json_objects(stored, w.str());
}

// The stored inspection, when its entity is visible to the viewer.
std::optional<std::string> visible_inspection(const ViewStore& v, const RegulatorViewer& viewer,
                                              std::string_view inspection_sid) {
  auto stored = v.get(regulator::keys::inspection(kTenant, inspection_sid));
  if (!stored) return std::nullopt;
  auto entity_id = json_string_field(*stored, "entity_id");
  if (!entity_id) return std::nullopt;
  auto e = visible_entity(v, viewer, *entity_id);
  if (!e) return std::nullopt;
  return with_entity_name(*stored, *e);
}

core::InspectionStanding standing_of(const ViewStore& v, std::string_view entity_id,
                                     core::Date today) {
  const std::string esid = sort_id(entity_id);
  std::vector<core::Date> dates;
  v.scan_prefix(regulator::keys::inspection_by_entity(kTenant, esid) + "/",
                [&](std::string_view, std::string_view value) {
                  auto d = core::parse_date(value, "inspected_on");
                  if (d.ok()) dates.push_back(*d);
                  return true;
                });
  std::string grade;
  core::Date assigned_on;
  if (auto risk = v.get(regulator::keys::risk_grade(kTenant, esid))) {
    grade = json_string_field(*risk, "grade").value_or("");
    auto d = core::parse_date(json_string_field(*risk, "assigned_on").value_or(""), "assigned_on");
    if (d.ok()) {
      assigned_on = *d;
    } else {
      grade.clear();
    }
  }
  return core::inspection_standing(grade, assigned_on, dates, today);
}

void close_page(JsonWriter& w, bool more, const std::string& last_id) {
  w.end_array().key("next_after");
  if (more) {
    w.value(last_id);
  } else {
    w.null();
  }
  w.end_object();
}

std::string minified(simdjson::dom::element e) { return simdjson::minify(e); }
std::string minified(simdjson::dom::array a) { return simdjson::minify(a); }

std::string digest_of(simdjson::dom::array ids) {
  std::string joined;
  for (simdjson::dom::element id : ids) {
    std::string_view s;
    if (!id.get_string().get(s)) joined.append(s).push_back('\n');
  }
  return core::sha256_hex(joined);
}

std::optional<std::string> stored_draw(const ViewStore& v, const RegulatorViewer& viewer,
                                       std::string_view draw_id) {
  auto stored = v.get(regulator::keys::draw(kTenant, sort_id(draw_id)));
  if (!stored || json_string_field(*stored, "bureau_id") != viewer.bureau_id) return std::nullopt;
  return stored;
}

Error draw_not_found(std::string_view draw_id) {
  return make_error(ErrorCode::kNotFound, "draw_not_found",
                    "no draw " + std::string(draw_id) + " of this bureau", "draw_id");
}

Error corrupt_view() {
  return make_error(ErrorCode::kInternal, "view_unreadable", "a stored draw is unreadable");
}

Result<std::string> draw_answer(const ViewStore& v, const std::string& stored) {
  simdjson::dom::parser parser;
  simdjson::dom::object d;
  if (parser.parse(stored).get(d)) return corrupt_view();
  simdjson::dom::array entities, inspectors, assignments;
  if (d["entities"].get(entities) || d["inspectors"].get(inspectors) ||
      d["assignments"].get(assignments)) {
    return corrupt_view();
  }
  JsonWriter w;
  w.begin_object();
  for (const char* k : {"draw_id", "bureau_id", "drawn_by", "drawn_at", "seed", "algorithm"}) {
    std::string_view s;
    if (d[k].get_string().get(s)) return corrupt_view();
    w.field(k, s);
  }
  for (const char* k : {"entity_count", "inspectors_per_entity"}) {
    int64_t n = 0;
    if (d[k].get_int64().get(n)) return corrupt_view();
    w.field(k, n);
  }
  std::string_view division;
  if (d["division"].get_string().get(division)) return corrupt_view();
  w.field("division", division)
      .field_raw("premises_types", minified(d["premises_types"].value_unsafe()))
      .field("entities_considered", static_cast<int64_t>(entities.size()))
      .field("inspectors_considered", static_cast<int64_t>(inspectors.size()))
      .field("entities_sha256", digest_of(entities))
      .field("inspectors_sha256", digest_of(inspectors))
      .field_raw("entities", minified(entities))
      .field_raw("inspectors", minified(inspectors))
      .field_raw("recusals", minified(d["recusals"].value_unsafe()))
      .key("assignments")
      .begin_array();
  for (simdjson::dom::element a : assignments) {
    std::string_view id;
    if (a["entity_id"].get_string().get(id)) return corrupt_view();
    auto e = load_regulated_entity(v, id);
    w.begin_object()
        .field("entity_id", id)
        .field("entity_name", e ? e->get("name") : std::string())
        .field_raw("inspectors", minified(a["inspectors"].value_unsafe()))
        .end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::vector<std::string> string_list(simdjson::dom::array a) {
  std::vector<std::string> out;
  for (simdjson::dom::element e : a) {
    std::string_view s;
    if (!e.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

std::string describe_assignment(const core::DrawAssignment& a) {
  std::string s = a.entity_id + " [";
  for (size_t i = 0; i < a.inspectors.size(); ++i) s += (i ? "," : "") + a.inspectors[i];
  return s + "]";
}

}  // namespace

void write_inspection_standing(JsonWriter& w, const ViewStore& v, std::string_view entity_id,
                               core::Date today) {
  const core::InspectionStanding s = standing_of(v, entity_id, today);
  std::string grade, graded_on;
  if (auto risk = v.get(regulator::keys::risk_grade(kTenant, sort_id(entity_id)))) {
    grade = json_string_field(*risk, "grade").value_or("");
    graded_on = json_string_field(*risk, "assigned_on").value_or("");
  }
  w.field("risk_grade", grade)
      .field("risk_graded_on", graded_on)
      .field("inspections_required_per_year", s.required_per_year)
      .field("inspections_last_365_days", s.last_365_days)
      .field("last_inspected_on",
             s.last_inspected_on ? core::format_date(*s.last_inspected_on) : std::string())
      .field("inspections_due_now", s.due_now)
      .field("inspection_overdue", s.overdue);
}

bool inspection_overdue(const ViewStore& v, std::string_view entity_id, core::Date today) {
  return standing_of(v, entity_id, today).overdue;
}

Result<std::string> regulator_inspection(const ViewStore& v, const RegulatorViewer& viewer,
                                         std::string_view inspection_id) {
  auto r = visible_inspection(v, viewer, sort_id(inspection_id));
  if (!r)
    return not_found_error("inspection_not_found", "inspection", inspection_id, "inspection_id");
  return *r;
}

Result<std::string> regulator_inspections(const ViewStore& v, const RegulatorViewer& viewer,
                                          const std::optional<std::string>& entity_id,
                                          const Page& page) {
  std::string base;
  if (entity_id) {
    if (!visible_entity(v, viewer, *entity_id)) {
      return not_found_error("entity_not_found", "entity", *entity_id, "entity_id");
    }
    base = regulator::keys::inspection_by_entity(kTenant, sort_id(*entity_id)) + "/";
  } else {
    base = regulator::keys::inspection(kTenant);
  }
  const std::string cursor = page.after.empty() ? std::string() : sort_id(page.after);
  JsonWriter w;
  w.begin_object().key("inspections").begin_array();
  uint32_t n = 0;
  bool more = false;
  std::string last;
  v.scan_prefix(base, [&](std::string_view k, std::string_view) {
    const std::string_view sid = k.substr(base.size());
    if (!cursor.empty() && sid <= cursor) return true;
    auto r = visible_inspection(v, viewer, sid);
    if (!r) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    w.raw(*r);
    last = unsort_id(sid);
    ++n;
    return true;
  });
  close_page(w, more, last);
  return w.take();
}

Result<std::string> overdue_entities(const ViewStore& v, const RegulatorViewer& viewer,
                                     const std::optional<std::string>& division, const Page& page,
                                     const OnPlatform& on_platform) {
  if (division) {
    if (Status s = core::check_division_code(*division, "division"); !s.ok()) return s.error();
  }
  const std::string base = regulator::keys::risk_grade(kTenant);
  const std::string cursor = page.after.empty() ? std::string() : sort_id(page.after);
  JsonWriter w;
  w.begin_object().key("entities").begin_array();
  uint32_t n = 0;
  bool more = false;
  std::string last;
  v.scan_prefix(base, [&](std::string_view k, std::string_view) {
    const std::string_view sid = k.substr(base.size());
    if (!cursor.empty() && sid <= cursor) return true;
    const std::string id = unsort_id(sid);
    auto e = visible_entity(v, viewer, id);
    if (!e) return true;
    if (division && !core::division_within(e->get("division"), *division)) return true;
    if (!inspection_overdue(v, id, viewer.today)) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    w.raw(regulated_entity_json(v, *e, viewer, on_platform));
    last = id;
    ++n;
    return true;
  });
  close_page(w, more, last);
  return w.take();
}

bool inspection_form_visible(const ViewStore& v, const RegulatorViewer& viewer,
                             std::string_view sha256) {
  bool visible = false;
  v.scan_prefix(regulator::keys::form_ref(kTenant, sha256) + "/",
                [&](std::string_view, std::string_view entity_id) {
                  visible = visible_entity(v, viewer, entity_id).has_value();
                  return !visible;
                });
  return visible;
}

Result<std::string> regulator_draw(const ViewStore& v, const RegulatorViewer& viewer,
                                   std::string_view draw_id) {
  auto stored = stored_draw(v, viewer, draw_id);
  if (!stored) return draw_not_found(draw_id);
  return draw_answer(v, *stored);
}

Result<std::string> regulator_draws(const ViewStore& v, const RegulatorViewer& viewer,
                                    const Page& page) {
  const std::string base = regulator::keys::draw(kTenant);
  const std::string cursor = page.after.empty() ? std::string() : sort_id(page.after);
  JsonWriter w;
  w.begin_object().key("draws").begin_array();
  uint32_t n = 0;
  bool more = false;
  std::string last;
  Error failed;
  bool broken = false;
  v.scan_prefix(base, [&](std::string_view k, std::string_view value) {
    const std::string_view sid = k.substr(base.size());
    if (!cursor.empty() && sid <= cursor) return true;
    if (json_string_field(value, "bureau_id") != viewer.bureau_id) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    auto a = draw_answer(v, std::string(value));
    if (!a.ok()) {
      broken = true;
      failed = a.error();
      return false;
    }
    w.raw(*a);
    last = unsort_id(sid);
    ++n;
    return true;
  });
  if (broken) return failed;
  close_page(w, more, last);
  return w.take();
}

Result<std::string> draw_verification(const ViewStore& v, const RegulatorViewer& viewer,
                                      std::string_view draw_id) {
  auto stored = stored_draw(v, viewer, draw_id);
  if (!stored) return draw_not_found(draw_id);
  simdjson::dom::parser parser;
  simdjson::dom::object d;
  if (parser.parse(*stored).get(d)) return corrupt_view();
  core::DrawInputs in;
  std::string_view seed, algorithm;
  simdjson::dom::array entities, inspectors, recusals, assignments;
  if (d["seed"].get_string().get(seed) || d["algorithm"].get_string().get(algorithm) ||
      d["entity_count"].get_int64().get(in.entity_count) ||
      d["inspectors_per_entity"].get_int64().get(in.inspectors_per_entity) ||
      d["entities"].get(entities) || d["inspectors"].get(inspectors) ||
      d["recusals"].get(recusals) || d["assignments"].get(assignments)) {
    return corrupt_view();
  }
  in.entities = string_list(entities);
  in.inspectors = string_list(inspectors);
  for (simdjson::dom::element r : recusals) {
    std::string_view insp, entity;
    if (r["inspector"].get_string().get(insp) || r["entity_id"].get_string().get(entity)) {
      return corrupt_view();
    }
    in.recusals.push_back(core::DrawRecusal{std::string(insp), std::string(entity)});
  }
  std::vector<core::DrawAssignment> recorded;
  for (simdjson::dom::element a : assignments) {
    std::string_view id;
    simdjson::dom::array insp;
    if (a["entity_id"].get_string().get(id) || a["inspectors"].get(insp)) return corrupt_view();
    recorded.push_back(core::DrawAssignment{std::string(id), string_list(insp)});
  }
  std::vector<std::string> differences;
  auto parsed_seed = core::parse_seed(seed, "seed");
  if (algorithm != core::kDrawAlgorithm) {
    differences.push_back("unknown algorithm " + std::string(algorithm));
  } else if (!parsed_seed.ok()) {
    differences.push_back("unreadable seed " + std::string(seed));
  } else {
    in.seed = *parsed_seed;
    auto rerun = core::run_draw(in);
    if (!rerun.ok()) {
      differences.push_back("the re-run refused: " + rerun.error().reason);
    } else {
      const size_t n = std::max(rerun->size(), recorded.size());
      for (size_t i = 0; i < n; ++i) {
        const std::string was = i < recorded.size() ? describe_assignment(recorded[i]) : "(none)";
        const std::string now = i < rerun->size() ? describe_assignment((*rerun)[i]) : "(none)";
        if (was != now) {
          differences.push_back("assignment " + std::to_string(i) + ": recorded " + was +
                                ", re-run " + now);
        }
      }
    }
  }
  JsonWriter w;
  w.begin_object()
      .field("draw_id", std::string(draw_id))
      .field("seed", seed)
      .field("algorithm", algorithm)
      .field("reproduced", differences.empty())
      .key("differences")
      .begin_array();
  for (const std::string& s : differences) w.value(s);
  w.end_array().end_object();
  return w.take();
}

}  // namespace agritrace::projections
