#include "projections/regulator/queries.h"

#include <simdjson.h>

#include <algorithm>
#include <vector>

#include "core/base/identifiers.h"
#include "core/base/json_writer.h"
#include "core/base/pii.h"
#include "core/regulator/access.h"
#include "core/regulator/rules.h"
#include "projections/regulator/inspection_queries.h"
#include "projections/regulator/keys.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {
namespace {

constexpr std::string_view kTenant = core::kRegulatorsTenant;

// The key prefix of a division and everything below it: 440000 -> "44", 440100 -> "4401".
std::string code_prefix(std::string_view code) {
  switch (core::division_level(code)) {
    case core::DivisionLevel::kProvince:
      return std::string(code.substr(0, 2));
    case core::DivisionLevel::kPrefecture:
      return std::string(code.substr(0, 4));
    case core::DivisionLevel::kCounty:
      break;
  }
  return std::string(code);
}

std::string personal(const std::string& v, bool masked, std::string (*mask)(std::string_view)) {
  if (!masked || v.empty() || v == core::kPiiErased) return v;
  return mask(v);
}

}  // namespace

std::string regulated_entity_json(const ViewStore& v, const StoredEntity& e,
                                  const RegulatorViewer& viewer, const OnPlatform& on_platform) {
  const bool masked = !core::sees_personal_data(viewer.bureau_id, e.get("filed_by"));
  const std::string uscc = e.get("uscc");
  JsonWriter w;
  w.begin_object()
      .field("entity_id", e.get("entity_id"))
      .field("name", e.get("name"))
      .field("premises_type", e.get("premises_type"))
      .field("uscc", uscc)
      .field("id_number", personal(e.get("id_number"), masked, core::mask_id_number))
      .field("division", e.get("division"))
      .field("address", e.get("address"))
      .field("legal_representative",
             personal(e.get("legal_representative"), masked, mask_person_name))
      .field("contact_person", personal(e.get("contact_person"), masked, mask_person_name))
      .field("phone", personal(e.get("phone"), masked, core::mask_phone))
      .field("personal_data_masked", masked)
      .field("filed_by", e.get("filed_by"))
      .field("filed_at", e.get("filed_at"))
      .field("amendments", e.amendments);
  if (e.amendments > 0) {
    w.field("amended_by", e.get("amended_by")).field("amended_at", e.get("amended_at"));
  }
  const bool linked = !uscc.empty() && on_platform && on_platform(uscc);
  w.field("on_platform", linked);
  if (linked) w.field("enterprise_id", uscc);
  write_inspection_standing(w, v, e.get("entity_id"), viewer.today);
  w.end_object();
  return w.take();
}

std::optional<StoredEntity> load_regulated_entity(const ViewStore& v, std::string_view entity_id) {
  auto json = v.get(regulator::keys::entity(kTenant, sort_id(entity_id)));
  if (!json) return std::nullopt;
  return parse_stored_entity(*json);
}

namespace {

std::optional<StoredEntity> load(const ViewStore& v, std::string_view entity_id) {
  return load_regulated_entity(v, entity_id);
}

bool overlaps(const core::Jurisdiction& j, std::string_view division) {
  return std::any_of(j.members.begin(), j.members.end(), [&](const std::string& m) {
    return core::division_within(m, division) || core::division_within(division, m);
  });
}

}  // namespace

std::optional<StoredEntity> parse_stored_entity(std::string_view json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj)) return std::nullopt;
  StoredEntity e;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    std::string k(key);
    if (k == "amendments") {
      if (field.value().get_int64().get(e.amendments)) return std::nullopt;
      continue;
    }
    std::string_view s;
    if (field.value().get_string().get(s)) return std::nullopt;
    e.fields[k] = std::string(s);
  }
  return e;
}

Result<std::string> regulated_entity(const ViewStore& v, const RegulatorViewer& viewer,
                                     std::string_view entity_id, const OnPlatform& on_platform) {
  auto e = load(v, entity_id);
  if (!e || !core::in_jurisdiction(viewer.jurisdiction, e->get("division"))) {
    return make_error(ErrorCode::kNotFound, "entity_not_found",
                      "no entity " + std::string(entity_id) + " in the jurisdiction", "entity_id");
  }
  return regulated_entity_json(v, *e, viewer, on_platform);
}

Result<std::string> regulated_entities(const ViewStore& v, const RegulatorViewer& viewer,
                                       const std::optional<std::string>& division,
                                       const Page& page, const OnPlatform& on_platform) {
  std::vector<std::string> prefixes;
  if (division) {
    if (Status s = core::check_division_code(*division, "division"); !s.ok()) return s.error();
    if (!overlaps(viewer.jurisdiction, *division)) {
      return make_error(ErrorCode::kPermissionDenied, "outside_jurisdiction",
                        "division " + *division + " is outside the bureau's jurisdiction " +
                            viewer.jurisdiction.id,
                        "division");
    }
    prefixes.push_back(code_prefix(*division));
  } else {
    for (const std::string& m : viewer.jurisdiction.members) prefixes.push_back(code_prefix(m));
  }
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());

  // The cursor: "<division>/<sort id>" of the last entity of the previous page.
  std::string cursor;
  if (!page.after.empty()) {
    auto last = load(v, page.after);
    if (!last) {
      return make_error(ErrorCode::kInvalidArgument, "after_id_invalid",
                        "after_id names no entity", "after_id");
    }
    cursor = last->get("division") + "/" + sort_id(page.after);
  }
  const std::string base = regulator::keys::by_division(kTenant);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  bool more = false;
  std::string last_id;
  for (const std::string& prefix : prefixes) {
    if (more) break;
    v.scan_prefix(base + prefix, [&](std::string_view k, std::string_view value) {
      const std::string_view rel = k.substr(base.size());
      if (!cursor.empty() && rel <= cursor) return true;
      const std::string_view div = rel.substr(0, rel.find('/'));
      if (!core::in_jurisdiction(viewer.jurisdiction, div)) return true;
      if (division && !core::division_within(div, *division)) return true;
      auto e = load(v, value);
      if (!e) return true;
      if (n == page.limit) {
        more = true;
        return false;
      }
      w.raw(regulated_entity_json(v, *e, viewer, on_platform));
      last_id.assign(value);
      ++n;
      return true;
    });
  }
  w.end_array().key("next_after");
  if (more) {
    w.value(last_id);
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

}  // namespace agritrace::projections
