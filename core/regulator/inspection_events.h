// Events of supervision inspections (issue 13): inspection records with the checklist's
// items, risk grades A-D per entity, and the seeded random inspection draws (双随机). Recorded in
// the tenant kRegulatorsTenant like the other regulator events (core/regulator/events.h); never
// published on the regulators' feed. Rules: core/regulator/inspection_rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/describe.h"

namespace agritrace::core {

// The result of one checklist item: 符合 / 基本符合 / 不符合.
inline constexpr std::string_view kConforming = "conforming";
inline constexpr std::string_view kBasicallyConforming = "basically_conforming";
inline constexpr std::string_view kNonconforming = "nonconforming";

struct InspectionItemResult {
  std::string
      code;  // an item code of the shipped checklist (core/regulator/inspection_checklist.h)
  std::string result;  // conforming | basically_conforming | nonconforming
  std::string note;
  bool operator==(const InspectionItemResult&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("code", &InspectionItemResult::code),
                      describe::field("result", &InspectionItemResult::result),
                      describe::field("note", &InspectionItemResult::note));
};

// an inspection of a filed entity by inspectors of a bureau whose jurisdiction contains
// it, with the signed form (a document of the regulators' store, by SHA-256).
struct InspectionRecorded {
  static constexpr std::string_view kType = "inspection.recorded";
  std::string inspection_id;  // "insp-N"
  std::string bureau_id;
  std::string entity_id;
  std::string division;  // the entity's division when inspected
  Date inspected_on;
  std::vector<std::string> inspectors;  // usernames of the bureau's inspectors (>= 2)
  std::string recorded_by;              // username, one of `inspectors`
  std::string checklist_version;
  std::vector<InspectionItemResult> items;
  std::string
      overall;  // derived: any nonconforming, else any basically_conforming, else conforming
  std::string findings;
  std::string follow_up;
  std::optional<Date> follow_up_due;
  std::string form_sha256;
  bool operator==(const InspectionRecorded&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("inspection_id", &InspectionRecorded::inspection_id),
                      describe::field("bureau_id", &InspectionRecorded::bureau_id),
                      describe::field("entity_id", &InspectionRecorded::entity_id),
                      describe::field("division", &InspectionRecorded::division),
                      describe::field("inspected_on", &InspectionRecorded::inspected_on),
                      describe::field("inspectors", &InspectionRecorded::inspectors),
                      describe::field("recorded_by", &InspectionRecorded::recorded_by),
                      describe::field("checklist_version", &InspectionRecorded::checklist_version),
                      describe::field("items", &InspectionRecorded::items),
                      describe::field("overall", &InspectionRecorded::overall),
                      describe::field("findings", &InspectionRecorded::findings),
                      describe::field("follow_up", &InspectionRecorded::follow_up),
                      describe::field("follow_up_due", &InspectionRecorded::follow_up_due,
                                      describe::kNullWhenAbsent),
                      describe::field("form_sha256", &InspectionRecorded::form_sha256));
};

// a supervisor graded an entity's risk (A lowest .. D highest) on `assigned_on`.
struct RiskGradeAssigned {
  static constexpr std::string_view kType = "regulated_entity.risk_graded";
  std::string entity_id;
  std::string bureau_id;
  std::string grade;  // A | B | C | D
  std::string reason;
  Date assigned_on;
  bool operator==(const RiskGradeAssigned&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("entity_id", &RiskGradeAssigned::entity_id),
                      describe::field("bureau_id", &RiskGradeAssigned::bureau_id),
                      describe::field("grade", &RiskGradeAssigned::grade),
                      describe::field("reason", &RiskGradeAssigned::reason),
                      describe::field("assigned_on", &RiskGradeAssigned::assigned_on));
};

struct DrawRecusal {
  std::string inspector;  // username
  std::string entity_id;
  bool operator==(const DrawRecusal&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("inspector", &DrawRecusal::inspector),
                      describe::field("entity_id", &DrawRecusal::entity_id));
};

struct DrawAssignment {
  std::string entity_id;
  std::vector<std::string> inspectors;  // usernames, in draw order
  bool operator==(const DrawAssignment&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("entity_id", &DrawAssignment::entity_id),
                      describe::field("inspectors", &DrawAssignment::inspectors));
};

// 双随机: a seeded draw with every input it was computed from (the entities and inspectors
// considered, in canonical order, and the recusals), so anyone re-runs it
// (core/regulator/draw_algorithm.h) and gets `assignments` again.
struct InspectionDrawRecorded {
  static constexpr std::string_view kType = "inspection_draw.recorded";
  std::string draw_id;  // "draw-N"
  std::string bureau_id;
  std::string drawn_by;   // username of the supervisor
  std::string seed;       // 16 lowercase hex digits (a uint64)
  std::string algorithm;  // kDrawAlgorithm
  int64_t entity_count = 0;
  int64_t inspectors_per_entity = 0;
  std::string division;                     // the filter ("" = the whole jurisdiction)
  std::vector<std::string> premises_types;  // the filter (empty = all)
  std::vector<std::string> entities;        // considered, ascending id number
  std::vector<std::string> inspectors;      // considered, ascending username (bytes)
  std::vector<DrawRecusal> recusals;
  std::vector<DrawAssignment> assignments;
  bool operator==(const InspectionDrawRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("draw_id", &InspectionDrawRecorded::draw_id),
      describe::field("bureau_id", &InspectionDrawRecorded::bureau_id),
      describe::field("drawn_by", &InspectionDrawRecorded::drawn_by),
      describe::field("seed", &InspectionDrawRecorded::seed),
      describe::field("algorithm", &InspectionDrawRecorded::algorithm),
      describe::field("entity_count", &InspectionDrawRecorded::entity_count),
      describe::field("inspectors_per_entity", &InspectionDrawRecorded::inspectors_per_entity),
      describe::field("division", &InspectionDrawRecorded::division),
      describe::field("premises_types", &InspectionDrawRecorded::premises_types),
      describe::field("entities", &InspectionDrawRecorded::entities),
      describe::field("inspectors", &InspectionDrawRecorded::inspectors),
      describe::field("recusals", &InspectionDrawRecorded::recusals),
      describe::field("assignments", &InspectionDrawRecorded::assignments));
};

}  // namespace agritrace::core
