#include "projections/regulator/inspection_projection.h"

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/regulator/inspection_keys.h"

namespace agritrace::projections {
namespace {

void strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  w.key(key).begin_array();
  for (const std::string& s : v) w.value(s);
  w.end_array();
}

class InspectionProjection final
    : public EventProjection<InspectionProjection, regulator_inspections::Handled, tenant_and_ms> {
 public:
  std::string_view name() const override { return "regulator_inspections"; }

 private:
  friend EventProjection;

  void on(const std::string& t, int64_t at_ms, const core::InspectionRecorded& e, ViewBatch& b) {
    const std::string sid = sort_id(e.inspection_id);
    JsonWriter w;
    w.begin_object()
        .field("inspection_id", e.inspection_id)
        .field("entity_id", e.entity_id)
        .field("bureau_id", e.bureau_id)
        .field("division", e.division)
        .field("inspected_on", core::format_date(e.inspected_on));
    strings(w, "inspectors", e.inspectors);
    w.field("recorded_by", e.recorded_by)
        .field("checklist_version", e.checklist_version)
        .key("items")
        .begin_array();
    for (const core::InspectionItemResult& i : e.items) {
      w.begin_object()
          .field("code", i.code)
          .field("result", i.result)
          .field("note", i.note)
          .end_object();
    }
    w.end_array()
        .field("overall", e.overall)
        .field("findings", e.findings)
        .field("follow_up", e.follow_up)
        .field("follow_up_due", e.follow_up_due ? core::format_date(*e.follow_up_due) : "")
        .field("form_sha256", e.form_sha256)
        .field("recorded_at", core::format_rfc3339_utc(at_ms))
        .end_object();
    b.put(regulator::keys::inspection(t, sid), w.str());
    b.put(regulator::keys::inspection_by_entity(t, sort_id(e.entity_id), sid),
          core::format_date(e.inspected_on));
    b.put(regulator::keys::form_ref(t, e.form_sha256, sid), e.entity_id);
  }

  void on(const std::string& t, int64_t at_ms, const core::RiskGradeAssigned& e, ViewBatch& b) {
    JsonWriter w;
    w.begin_object()
        .field("grade", e.grade)
        .field("reason", e.reason)
        .field("assigned_on", core::format_date(e.assigned_on))
        .field("assigned_by", e.bureau_id)
        .field("assigned_at", core::format_rfc3339_utc(at_ms))
        .end_object();
    b.put(regulator::keys::risk_grade(t, sort_id(e.entity_id)), w.str());
  }

  void on(const std::string& t, int64_t at_ms, const core::InspectionDrawRecorded& e,
          ViewBatch& b) {
    JsonWriter w;
    w.begin_object()
        .field("draw_id", e.draw_id)
        .field("bureau_id", e.bureau_id)
        .field("drawn_by", e.drawn_by)
        .field("drawn_at", core::format_rfc3339_utc(at_ms))
        .field("seed", e.seed)
        .field("algorithm", e.algorithm)
        .field("entity_count", e.entity_count)
        .field("inspectors_per_entity", e.inspectors_per_entity)
        .field("division", e.division);
    strings(w, "premises_types", e.premises_types);
    strings(w, "entities", e.entities);
    strings(w, "inspectors", e.inspectors);
    w.key("recusals").begin_array();
    for (const core::DrawRecusal& r : e.recusals) {
      w.begin_object().field("inspector", r.inspector).field("entity_id", r.entity_id).end_object();
    }
    w.end_array().key("assignments").begin_array();
    for (const core::DrawAssignment& a : e.assignments) {
      w.begin_object().field("entity_id", a.entity_id);
      strings(w, "inspectors", a.inspectors);
      w.end_object();
    }
    w.end_array().end_object();
    b.put(regulator::keys::draw(t, sort_id(e.draw_id)), w.str());
  }
};

}  // namespace

std::unique_ptr<Projection> make_regulator_inspection_projection() {
  return std::make_unique<InspectionProjection>();
}

}  // namespace agritrace::projections
