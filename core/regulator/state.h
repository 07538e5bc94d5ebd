// The regulator end's part of the write model (tenant kRegulatorsTenant only): bureaus, their
// accounts and the filed entities, as far as the rules check them.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/regulator/jurisdiction.h"

namespace agritrace::core {

struct BureauState {
  std::string name;
  Jurisdiction jurisdiction;
};

struct FiledEntityState {
  std::string filed_by;  // bureau id
  std::string division;
  std::string uscc;
  std::string id_number;
  std::string premises_type;  // draws filter on it
};

struct RegulatorsState {
  std::map<std::string, BureauState, std::less<>> bureaus;
  std::map<std::string, std::string, std::less<>> users;  // bureau '\x1f' username -> "ru-N"
  int64_t last_user = 0;
  std::map<std::string, FiledEntityState, std::less<>> entities;  // "fe-N"
  std::map<std::string, std::string, std::less<>> entity_by_uscc;
  std::map<std::string, std::string, std::less<>> entity_by_id_number;
  int64_t last_entity = 0;
  // R-4.5.2 (core/regulator/inspection_rules.h)
  std::map<std::string, std::string, std::less<>> user_roles;  // bureau '\x1f' username -> role
  int64_t last_inspection = 0;
  int64_t last_draw = 0;
};

}  // namespace agritrace::core
