// The supervision inspection checklist of R-4.5.2 (食品销售监督检查要点表), parsed from the text of
// the shipped data file (events/regulator/inspection_checklist.tsv, whose header says its source
// and what was condensed). Pure: the text is handed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core {

struct ChecklistItem {
  std::string code;     // "<section>.<item>", e.g. "3.5"
  std::string section;  // e.g. "食品标签等外观质量状况"
  std::string text;
  bool key = false;  // 重点项
};

struct InspectionChecklist {
  std::string version;
  std::string source;
  std::vector<ChecklistItem> items;  // file order
  const ChecklistItem* find(std::string_view code) const;

  // "@version\tv", "@source\ttext", then "code\tsection\ttext[\t*]" lines; '#' comments. A
  // malformed file (no version, a duplicate or malformed code, an empty text): kInvalidArgument
  // `checklist_invalid` naming the line.
  static Result<InspectionChecklist> parse(std::string_view text);
};

}  // namespace agritrace::core
