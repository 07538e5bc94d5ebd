#include "events/regulator/inspection_checklist_data.h"

#include <cstdio>
#include <cstdlib>

extern const char kAgritraceChecklistTsv[];  // generated from inspection_checklist.tsv by CMake

namespace agritrace::events {

std::string_view shipped_checklist_text() { return kAgritraceChecklistTsv; }

const core::InspectionChecklist& shipped_checklist() {
  static const core::InspectionChecklist checklist = [] {
    auto parsed = core::InspectionChecklist::parse(shipped_checklist_text());
    if (!parsed.ok()) {
      std::fprintf(stderr, "shipped inspection checklist: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return checklist;
}

}  // namespace agritrace::events
