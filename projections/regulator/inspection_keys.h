// The typed keys of the views (ViewKey: projections/base/keys.h). The tenant segment is
// always core::kRegulatorsTenant.
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::regulator::keys {

// rginsp/regulators/insp-000000000001: an inspection record (JSON).
inline constexpr ViewKey<ViewKind::kRegulatorInspection> inspection;
// rginse/regulators/fe-…/insp-… -> "YYYY-MM-DD": an entity's inspections (its standing).
inline constexpr ViewKey<ViewKind::kRegulatorInspectionByEntity> inspection_by_entity;
// rgrisk/regulators/fe-… -> {"grade","reason","assigned_on","assigned_by","assigned_at"}.
inline constexpr ViewKey<ViewKind::kRegulatorRiskGrade> risk_grade;
// rgdraw/regulators/draw-000000000001: a draw with its inputs (JSON).
inline constexpr ViewKey<ViewKind::kRegulatorDraw> draw;
// rgform/regulators/<sha256>/insp-… -> entity id: who may read an inspection form.
inline constexpr ViewKey<ViewKind::kRegulatorFormRef> form_ref;

}  // namespace agritrace::projections::regulator::keys
