#include "projections/regulator/projection.h"

#include <optional>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "core/domain/event.h"
#include "projections/regulator/keys.h"
#include "projections/regulator/queries.h"

namespace agritrace::projections {
namespace {

class RegulatorProjection final
    : public EventProjection<RegulatorProjection, regulator::Handled, tenant_and_ms> {
 public:
  std::string_view name() const override { return "regulator"; }

 private:
  friend EventProjection;

  static std::string record_json(const std::string& id, const std::string& filed_by,
                                 const std::string& filed_at, const std::string& amended_by,
                                 const std::string& amended_at, int64_t amendments,
                                 const core::EntityRecord& r) {
    JsonWriter w;
    w.begin_object()
        .field("entity_id", id)
        .field("name", r.name)
        .field("premises_type", r.premises_type)
        .field("uscc", r.uscc)
        .field("id_number", r.id_number)
        .field("division", r.division)
        .field("address", r.address)
        .field("legal_representative", r.legal_representative)
        .field("contact_person", r.contact_person)
        .field("phone", r.phone)
        .field("filed_by", filed_by)
        .field("filed_at", filed_at)
        .field("amended_by", amended_by)
        .field("amended_at", amended_at)
        .field("amendments", amendments)
        .end_object();
    return w.take();
  }

  void on(const std::string& t, int64_t at_ms, const core::EntityFiled& e, ViewBatch& b) {
    const std::string sid = sort_id(e.entity_id);
    b.put(regulator::keys::entity(t, sid),
          record_json(e.entity_id, e.bureau_id, core::format_rfc3339_utc(at_ms), "", "", 0,
                      e.record));
    b.put(regulator::keys::by_division(t, e.record.division, sid), e.entity_id);
  }

  void on(const std::string& t, int64_t at_ms, const core::EntityAmended& e, ViewBatch& b) {
    const std::string sid = sort_id(e.entity_id);
    auto before = b.get(regulator::keys::entity(t, sid));
    std::optional<StoredEntity> old;
    if (before) old = parse_stored_entity(*before);
    b.del(regulator::keys::by_division(t, e.previous_division, sid));
    b.put(regulator::keys::entity(t, sid),
          record_json(e.entity_id, old ? old->get("filed_by") : e.bureau_id,
                      old ? old->get("filed_at") : "", e.bureau_id,
                      core::format_rfc3339_utc(at_ms), old ? old->amendments + 1 : 1, e.record));
    b.put(regulator::keys::by_division(t, e.record.division, sid), e.entity_id);
  }
};

}  // namespace

std::unique_ptr<Projection> make_regulator_projection() {
  return std::make_unique<RegulatorProjection>();
}

}  // namespace agritrace::projections
