#include "core/regulator/inspection_checklist.h"

#include <fmt/format.h>

#include <set>

#include "core/base/rule_errors.h"

namespace agritrace::core {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return parts;
}

bool valid_code(std::string_view code) {
  // digits '.' digits
  const size_t dot = code.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == code.size()) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i == dot) continue;
    if (code[i] < '0' || code[i] > '9') return false;
  }
  return code.size() <= 8;
}

}  // namespace

const ChecklistItem* InspectionChecklist::find(std::string_view code) const {
  for (const ChecklistItem& i : items) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

Result<InspectionChecklist> InspectionChecklist::parse(std::string_view text) {
  InspectionChecklist c;
  std::set<std::string, std::less<>> codes;
  size_t line_no = 0;
  auto bad = [&](std::string_view why) {
    return invalid("checklist_invalid", fmt::format("checklist line {}: {}", line_no, why), "");
  };
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto parts = split_tabs(line);
    if (parts[0] == "@version" || parts[0] == "@source") {
      if (parts.size() != 2 || parts[1].empty()) return bad("a header is @name<TAB>value");
      (parts[0] == "@version" ? c.version : c.source) = std::string(parts[1]);
      continue;
    }
    if (parts.size() < 3 || parts.size() > 4) return bad("an item is code, section, text[, key]");
    if (!valid_code(parts[0])) return bad("an item code is <section>.<item>");
    if (parts[1].empty() || parts[2].empty()) return bad("an item has a section and a text");
    if (parts.size() == 4 && !parts[3].empty() && parts[3] != "*") {
      return bad("the key column is \"*\" or empty");
    }
    if (!codes.emplace(parts[0]).second) return bad("a duplicate item code");
    c.items.push_back(ChecklistItem{std::string(parts[0]), std::string(parts[1]),
                                    std::string(parts[2]), parts.size() == 4 && parts[3] == "*"});
  }
  if (c.version.empty() || c.source.empty() || c.items.empty()) {
    return invalid("checklist_invalid", "a checklist has @version, @source and items", "");
  }
  return c;
}

}  // namespace agritrace::core
