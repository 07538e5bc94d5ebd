// Commands of the regulator end (issue 13: bureaus and their accounts, R-4.5.1 entity filing);
// rules in core/regulator/rules.h. They are all decided in the tenant kRegulatorsTenant
// (core/regulator/rules.h). `bureau_id` is the acting bureau, filled by the API from the
// authenticated principal (or the platform operator's request), never from a request body.
#pragma once

#include <string>

#include "core/regulator/events.h"

namespace agritrace::core {

// The platform operator registers a bureau with its jurisdiction ("441300" or "GBA"; the API has
// checked a division code against the shipped division table).
struct RegisterBureau {
  std::string bureau_id;
  std::string name;
  std::string jurisdiction;
};

// A user account of a bureau (platform operator, or a supervisor of that bureau). The password
// arrives hashed (Argon2id), as for enterprise users.
struct CreateRegulatorUser {
  std::string bureau_id;
  std::string username;
  std::string role;  // regulator_role_name()
  std::string password_hash;
};

// a food producer or trader of the bureau's jurisdiction (on the platform or not).
struct FileEntity {
  std::string bureau_id;
  EntityRecord record;
};

// the full new record of a filed entity.
struct AmendEntity {
  std::string bureau_id;
  std::string entity_id;
  EntityRecord record;
};

}  // namespace agritrace::core
