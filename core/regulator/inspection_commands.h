// Commands of R-4.5.2 (issue 13): inspections, risk grades, random draws. Decided in the tenant
// kRegulatorsTenant; `bureau_id` and the acting username come from the authenticated principal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/regulator/inspection_events.h"

namespace agritrace::core {

// An inspector records an inspection. The API has checked every item code against the shipped
// checklist and that the form's bytes are in the regulators' document store.
struct RecordInspection {
  std::string bureau_id;
  std::string recorded_by;  // the acting inspector's username
  std::string entity_id;
  Date inspected_on;
  std::vector<std::string> inspectors;
  std::string checklist_version;
  std::vector<InspectionItemResult> items;
  std::string findings;
  std::string follow_up;
  std::optional<Date> follow_up_due;
  std::string form_sha256;
};

// A supervisor grades an entity's risk (A..D).
struct AssignRiskGrade {
  std::string bureau_id;
  std::string entity_id;
  std::string grade;
  std::string reason;
};

// A supervisor draws `entity_count` entities of the jurisdiction (narrowed by `division` and
// `premises_types`) and `inspectors_per_entity` of the bureau's inspectors for each.
struct DrawInspections {
  std::string bureau_id;
  std::string drawn_by;  // the acting supervisor's username
  uint64_t seed = 0;     // from the request, else the Env's randomness (the API)
  int64_t entity_count = 0;
  int64_t inspectors_per_entity = 2;
  std::string division;
  std::vector<std::string> premises_types;
  std::vector<DrawRecusal> recusals;
};

}  // namespace agritrace::core
