// The jurisdiction access policy of the regulator end (issue 13), in ONE place. Pure: no I/O.
//
// Beside "tenant = enterprise", regulators (market supervision bureaus) form a second access
// policy:
//  - a bureau has one jurisdiction (a GB/T 2260 division or the named group GBA,
//    core/regulator/jurisdiction.h); its users read what concerns entities and enterprises whose
//    registered division lies inside it, and nothing else (`in_jurisdiction`);
//  - inside a bureau, roles with different rights (`regulator_role_allows`, the matrix in
//    docs/REGULATOR.md);
//  - an enterprise principal never reaches a regulator route, a regulator principal never reaches
//    an enterprise route (api/http/route_policy.cpp, Audience::kRegulator);
//  - personal data of a filed entity is shown in full to the bureau that filed it only
//    (`sees_personal_data`), masked to every other bureau whose jurisdiction contains it.
// The API's route policy, the deciders (core/regulator/decide.cpp) and the queries
// (projections/regulator/queries.cpp) all ask these functions.
#pragma once

#include <string_view>

#include "core/base/describe.h"
#include "core/base/status.h"
#include "core/regulator/jurisdiction.h"

namespace agritrace::core {

// Roles inside a bureau.
enum class RegulatorRole : uint8_t { kInspector, kSupervisor };
inline constexpr RegulatorRole kAllRegulatorRoles[] = {RegulatorRole::kInspector,
                                                       RegulatorRole::kSupervisor};
std::string_view regulator_role_name(RegulatorRole r);  // "inspector" | "supervisor"
Result<RegulatorRole> parse_regulator_role(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<RegulatorRole>
    : describe::EnumTextOf<RegulatorRole, regulator_role_name, parse_regulator_role> {};

// What a regulator route needs (api/http/route_policy.cpp names one per route).
enum class RegulatorRight : uint8_t {
  kRead,               // the jurisdiction's entities (and later inspections, statistics)
  kManageUsers,        // create the bureau's user accounts
  kFileEntities,       // file and amend entities
  kRecordInspections,  // record inspections
  kDraws,              // random inspection draws
  kWebhooks,           // the feed's signed webhooks of the jurisdiction
  kPublishSampling,    // .S: enter, finalise, correct and withdraw official sampling results
  kHandleComplaints,   // handle consumers' complaints (accept, reject, close)
  kRiskGrades,         // grade entities' risk (A-D)
};
inline constexpr RegulatorRight kAllRegulatorRights[] = {
    RegulatorRight::kRead,   RegulatorRight::kManageUsers, RegulatorRight::kFileEntities,
    RegulatorRight::kRecordInspections, RegulatorRight::kDraws, RegulatorRight::kWebhooks,
    RegulatorRight::kPublishSampling,  RegulatorRight::kHandleComplaints, RegulatorRight::kRiskGrades};
std::string_view regulator_right_name(RegulatorRight r);

// The matrix: supervisors manage the bureau's users, filings, draws, webhooks and publish sampling
// results; inspectors record inspections; both read the jurisdiction and handle complaints.
bool regulator_role_allows(RegulatorRole role, RegulatorRight right);

// Whether a division (GB/T 2260 code; "" = unknown) lies in the bureau's jurisdiction. An unknown
// division lies in none: what cannot be placed is shown to no regulator.
bool in_jurisdiction(const Jurisdiction& jurisdiction, std::string_view division);

// Whether the bureau `viewer` sees the personal data (resident ID, phone, names of persons) of an
// entity filed by `filed_by`: only the filing bureau does.
bool sees_personal_data(std::string_view viewer, std::string_view filed_by);

// Bureau ids: 3..32 of [a-z0-9-], starting with a letter (never a USCC, never "platform").
Status validate_bureau_id(std::string_view id, std::string_view field);

}  // namespace agritrace::core
