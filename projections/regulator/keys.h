// The typed keys of the regulator views (R-4.5.1; ViewKey: projections/base/keys.h). The tenant
// segment is always core::kRegulatorsTenant.
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::regulator::keys {

// rgent/regulators/fe-000000000001: a filed entity, plaintext (the queries mask).
inline constexpr ViewKey<ViewKind::kRegulatedEntity> entity;
// rgdiv/regulators/<division>/fe-000000000001 -> "fe-1": GB/T 2260 codes nest by prefix, so the
// entities of a division (and all divisions below it) are one prefix scan ("4401" for 440100).
inline constexpr ViewKey<ViewKind::kRegulatedEntityByDivision> by_division;

}  // namespace agritrace::projections::regulator::keys
