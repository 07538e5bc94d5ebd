#include "core/regulator/access.h"

#include "core/base/rule_errors.h"

namespace agritrace::core {

std::string_view regulator_role_name(RegulatorRole r) {
  switch (r) {
    case RegulatorRole::kInspector:
      return "inspector";
    case RegulatorRole::kSupervisor:
      return "supervisor";
  }
  return "inspector";
}

Result<RegulatorRole> parse_regulator_role(std::string_view name, std::string_view field) {
  for (RegulatorRole r : kAllRegulatorRoles) {
    if (regulator_role_name(r) == name) return r;
  }
  return invalid("regulator_role_invalid", "a bureau's role is inspector or supervisor",
                 std::string(field));
}

std::string_view regulator_right_name(RegulatorRight r) {
  switch (r) {
    case RegulatorRight::kRead:
      return "read";
    case RegulatorRight::kManageUsers:
      return "manage_users";
    case RegulatorRight::kFileEntities:
      return "file_entities";
    case RegulatorRight::kRecordInspections:
      return "record_inspections";
    case RegulatorRight::kDraws:
      return "draws";
    case RegulatorRight::kWebhooks:
      return "webhooks";
    case RegulatorRight::kPublishSampling:
      return "publish_sampling";
    case RegulatorRight::kHandleComplaints:
      return "handle_complaints";
    case RegulatorRight::kRiskGrades:
      return "risk_grades";
  }
  return "read";
}

bool regulator_role_allows(RegulatorRole role, RegulatorRight right) {
  switch (right) {
    case RegulatorRight::kRead:
    case RegulatorRight::kHandleComplaints:
      return true;
    case RegulatorRight::kRecordInspections:
      return role == RegulatorRole::kInspector;
    case RegulatorRight::kManageUsers:
    case RegulatorRight::kFileEntities:
    case RegulatorRight::kDraws:
    case RegulatorRight::kWebhooks:
    case RegulatorRight::kPublishSampling:
    case RegulatorRight::kRiskGrades:
      return role == RegulatorRole::kSupervisor;
  }
  return false;
}

bool in_jurisdiction(const Jurisdiction& jurisdiction, std::string_view division) {
  return !division.empty() && contains(jurisdiction, division);
}

bool sees_personal_data(std::string_view viewer, std::string_view filed_by) {
  return !viewer.empty() && viewer == filed_by;
}

Status validate_bureau_id(std::string_view id, std::string_view field) {
  bool ok = id.size() >= 3 && id.size() <= 32 && id[0] >= 'a' && id[0] <= 'z';
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) ok = false;
  }
  if (!ok || id == "platform") {
    return invalid("bureau_id_invalid",
                   "a bureau id is 3 to 32 of a-z, 0-9 and '-', starting with a letter",
                   std::string(field));
  }
  return Status::Ok();
}

}  // namespace agritrace::core
