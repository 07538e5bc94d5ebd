// The shipped inspection checklist (events/regulator/inspection_checklist.tsv, compiled
// in by CMake), parsed once.
#pragma once

#include <string_view>

#include "core/regulator/inspection_checklist.h"

namespace agritrace::events {

std::string_view shipped_checklist_text();
const core::InspectionChecklist& shipped_checklist();

}  // namespace agritrace::events
