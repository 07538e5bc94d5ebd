// Rules and fold of the regulator end (issue 13: bureaus and accounts, R-4.5.1 entity filing).
#include <algorithm>
#include <array>

#include "core/accounts/access.h"
#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/domain/decide.h"
#include "core/regulator/access.h"
#include "core/regulator/rules.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;

constexpr std::array<std::string_view, 8> kPremisesTypes = {
    "production", "workshop", "wholesale", "retail", "catering", "warehouse", "market", "farm"};

Result<Events> one(Event e) { return Events{std::move(e)}; }

Status in_regulators_tenant(const Context& ctx) {
  if (ctx.tenant != kRegulatorsTenant) {
    return conflict("not_regulators_tenant", "regulator commands are recorded in the tenant " +
                                                 std::string(kRegulatorsTenant));
  }
  return Status::Ok();
}

Result<const BureauState*> acting_bureau(const TenantState& state, std::string_view bureau_id) {
  auto it = state.regulators.bureaus.find(bureau_id);
  if (it == state.regulators.bureaus.end()) {
    return not_found("bureau_not_found", "no bureau " + std::string(bureau_id), "bureau_id");
  }
  return &it->second;
}

Status must_be_empty(std::string_view value, std::string_view field, std::string_view why) {
  if (value.empty()) return Status::Ok();
  return invalid("field_not_allowed", std::string(field) + " is not recorded for " +
                                          std::string(why),
                 std::string(field));
}

// The checks a filing and an amendment share; returns the record with normalised identifiers.
Result<EntityRecord> check_entity(const TenantState& state, const BureauState& bureau,
                                  EntityRecord r, std::string_view self_id, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(required_text(r.name, "name", kMaxNameBytes));
  if (std::find(kPremisesTypes.begin(), kPremisesTypes.end(), r.premises_type) ==
      kPremisesTypes.end()) {
    return invalid("premises_type_invalid",
                   "premises_type is production, workshop, wholesale, retail, catering, "
                   "warehouse, market or farm",
                   "premises_type");
  }
  AGRITRACE_RETURN_IF_ERROR(check_division_code(r.division, "division"));
  // The jurisdiction policy: a bureau files only inside its jurisdiction.
  if (!in_jurisdiction(bureau.jurisdiction, r.division)) {
    return make_error(ErrorCode::kPermissionDenied, "outside_jurisdiction",
                      "division " + r.division + " is outside the bureau's jurisdiction " +
                          bureau.jurisdiction.id,
                      "division");
  }
  AGRITRACE_RETURN_IF_ERROR(required_text(r.address, "address", kMaxTextBytes));
  AGRITRACE_RETURN_IF_ERROR(required_text(r.contact_person, "contact_person", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(validate_phone(r.phone, "phone"));
  if (r.uscc.empty() == r.id_number.empty()) {
    return invalid("entity_identifier_required",
                   "an entity has a USCC (a licensed business) or a resident ID number (an "
                   "individual trader), not both",
                   r.uscc.empty() ? "uscc" : "id_number");
  }
  if (!r.uscc.empty()) {
    AGRITRACE_RETURN_IF_ERROR(validate_uscc(r.uscc, "uscc"));
    AGRITRACE_RETURN_IF_ERROR(
        required_text(r.legal_representative, "legal_representative", kMaxNameBytes));
    if (auto it = state.regulators.entity_by_uscc.find(r.uscc);
        it != state.regulators.entity_by_uscc.end() && it->second != self_id) {
      return conflict("entity_duplicate", "entity " + it->second + " already has this USCC",
                      "uscc");
    }
  } else {
    auto id = normalize_resident_id(r.id_number, "id_number", ctx.today);
    if (!id.ok()) return id.error();
    r.id_number = std::move(id).value();
    AGRITRACE_RETURN_IF_ERROR(
        must_be_empty(r.legal_representative, "legal_representative", "an individual trader"));
    if (auto it = state.regulators.entity_by_id_number.find(r.id_number);
        it != state.regulators.entity_by_id_number.end() && it->second != self_id) {
      // Names the other entity, never echoes the ID number.
      return conflict("entity_duplicate", "entity " + it->second + " already has this ID number",
                      "id_number");
    }
  }
  return r;
}

}  // namespace

std::span<const std::string_view> entity_premises_types() { return kPremisesTypes; }

bool is_regulator_command(const Command& command) {
  return std::holds_alternative<RegisterBureau>(command) ||
         std::holds_alternative<CreateRegulatorUser>(command) ||
         std::holds_alternative<FileEntity>(command) ||
         std::holds_alternative<AmendEntity>(command) ||
         std::holds_alternative<RecordInspection>(command) ||
         std::holds_alternative<AssignRiskGrade>(command) ||
         std::holds_alternative<DrawInspections>(command);
}

Result<Events> decide(const TenantState& state, const RegisterBureau& c, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  AGRITRACE_RETURN_IF_ERROR(validate_bureau_id(c.bureau_id, "bureau_id"));
  AGRITRACE_RETURN_IF_ERROR(required_text(c.name, "name", kMaxNameBytes));
  auto j = parse_jurisdiction(c.jurisdiction, nullptr, "jurisdiction");
  if (!j.ok()) return j.error();
  if (state.regulators.bureaus.contains(c.bureau_id)) {
    return conflict("bureau_exists", "bureau " + c.bureau_id + " is already registered",
                    "bureau_id");
  }
  return one(BureauRegistered{c.bureau_id, c.name, j->id});
}

Result<Events> decide(const TenantState& state, const CreateRegulatorUser& c,
                      const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  auto bureau = acting_bureau(state, c.bureau_id);
  if (!bureau.ok()) return bureau.error();
  AGRITRACE_RETURN_IF_ERROR(validate_username(c.username, "username"));
  auto role = parse_regulator_role(c.role, "role");
  if (!role.ok()) return role.error();
  if (state.regulators.users.contains(tenant_slot(c.bureau_id, c.username))) {
    return conflict("username_taken", "the bureau already has an account " + c.username,
                    "username");
  }
  if (c.password_hash.empty()) {
    return invalid("password_required", "a password is required", "password");
  }
  return one(RegulatorUserCreated{c.bureau_id, next_id("ru-", state.regulators.last_user),
                                  c.username, std::string(regulator_role_name(*role)),
                                  c.password_hash});
}

Result<Events> decide(const TenantState& state, const FileEntity& c, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  auto bureau = acting_bureau(state, c.bureau_id);
  if (!bureau.ok()) return bureau.error();
  auto record = check_entity(state, **bureau, c.record, {}, ctx);
  if (!record.ok()) return record.error();
  return one(EntityFiled{next_id("fe-", state.regulators.last_entity), c.bureau_id,
                         std::move(record).value()});
}

Result<Events> decide(const TenantState& state, const AmendEntity& c, const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(in_regulators_tenant(ctx));
  auto bureau = acting_bureau(state, c.bureau_id);
  if (!bureau.ok()) return bureau.error();
  auto it = state.regulators.entities.find(c.entity_id);
  // An entity outside the jurisdiction does not exist for this bureau (as another tenant's ids).
  if (it == state.regulators.entities.end() ||
      !in_jurisdiction((*bureau)->jurisdiction, it->second.division)) {
    return not_found("entity_not_found", "no entity " + c.entity_id + " in the jurisdiction",
                     "entity_id");
  }
  if (it->second.uscc.empty() != c.record.uscc.empty()) {
    return invalid("entity_kind_immutable",
                   "an entity stays a licensed business (USCC) or an individual trader",
                   it->second.uscc.empty() ? "id_number" : "uscc");
  }
  auto record = check_entity(state, **bureau, c.record, c.entity_id, ctx);
  if (!record.ok()) return record.error();
  return one(EntityAmended{c.entity_id, c.bureau_id, it->second.division,
                           std::move(record).value()});
}

void evolve(TenantState& state, const BureauRegistered& e) {
  auto j = parse_jurisdiction(e.jurisdiction, nullptr);
  state.regulators.bureaus[e.bureau_id] =
      BureauState{e.name, j.ok() ? std::move(j).value() : Jurisdiction{e.jurisdiction, {}}};
}

void evolve(TenantState& state, const RegulatorUserCreated& e) {
  state.regulators.users[tenant_slot(e.bureau_id, e.username)] = e.user_id;
  state.regulators.user_roles[tenant_slot(e.bureau_id, e.username)] = e.role;
  observe_id(state.regulators.last_user, e.user_id, "ru-");
}

namespace {

void index_entity(RegulatorsState& s, const std::string& id, const std::string& filed_by,
                  const EntityRecord& r) {
  FiledEntityState& f = s.entities[id];
  if (!f.uscc.empty()) s.entity_by_uscc.erase(f.uscc);
  if (!f.id_number.empty()) s.entity_by_id_number.erase(f.id_number);
  if (f.filed_by.empty()) f.filed_by = filed_by;
  f.division = r.division;
  f.uscc = r.uscc;
  f.id_number = r.id_number;
  f.premises_type = r.premises_type;
  if (!r.uscc.empty()) s.entity_by_uscc[r.uscc] = id;
  // An erased or sealed-unreadable number indexes nothing.
  if (!r.id_number.empty() && r.id_number.front() != '[') s.entity_by_id_number[r.id_number] = id;
}

}  // namespace

void evolve(TenantState& state, const EntityFiled& e) {
  index_entity(state.regulators, e.entity_id, e.bureau_id, e.record);
  observe_id(state.regulators.last_entity, e.entity_id, "fe-");
}

void evolve(TenantState& state, const EntityAmended& e) {
  index_entity(state.regulators, e.entity_id, e.bureau_id, e.record);
}

}  // namespace agritrace::core
