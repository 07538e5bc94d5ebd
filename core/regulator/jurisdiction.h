// Jurisdictions of market supervision bureaus (issue 13, R-4.5): GB/T 2260 administrative
// division codes, the division table (parsed from text handed in; core does no I/O) and the
// named groups (the Greater Bay Area). A regulator's jurisdiction is one division (province,
// prefecture city or county/district) or a named group; it contains a division when the division
// lies inside it.
//
// Codes are six digits: PPCCDD. A province ends in "0000" (440000), a prefecture in "00"
// (440100), anything else is a county-level division (440106). Hong Kong (810000) and Macau
// (820000) are province-level codes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core {

enum class DivisionLevel : uint8_t { kProvince, kPrefecture, kCounty };
std::string_view division_level_name(DivisionLevel level);  // province | prefecture | county

// Six ASCII digits, province part 11..82, not "000000". `field` names the input on failure.
bool is_division_code(std::string_view code);
Status check_division_code(std::string_view code, std::string_view field);
DivisionLevel division_level(std::string_view code);  // code must be valid
// The enclosing division: 440106 -> 440100 -> 440000 -> none.
std::optional<std::string> division_parent(std::string_view code);
// True when `inner` is `outer` or lies inside it (prefix rule of GB/T 2260).
bool division_within(std::string_view inner, std::string_view outer);

struct Division {
  std::string code;
  std::string name;  // official name, e.g. "博罗县"
  DivisionLevel level = DivisionLevel::kCounty;
  bool operator==(const Division&) const = default;
};

// The shipped divisions (api/regulator/divisions_guangdong.tsv): one division a line,
// "<code>\t<name>", '#' starts a comment line, blank lines ignored. Every division's parent (if
// any) must be listed before it.
class DivisionTable {
 public:
  static Result<DivisionTable> parse(std::string_view text);

  const Division* find(std::string_view code) const;
  std::vector<const Division*> children(std::string_view code) const;
  // Every listed division within `code`, itself included, in code order.
  std::vector<const Division*> within(std::string_view code) const;
  size_t size() const { return divisions_.size(); }

  // The most precise division a free-text region names, e.g. "广东省惠州市博罗县" -> 441322,
  // "惠州博罗" -> 441322, "深圳市南山区科技园" -> 440305, "广州" -> 440100. Prefecture names
  // match with or without "市"; county names match in full (or without their last character when
  // that leaves at least two characters) inside the matched prefecture; a county name alone is
  // accepted when it is unique in the table. None when nothing matches or it is ambiguous.
  std::optional<std::string> match_region(std::string_view region) const;

 private:
  std::map<std::string, Division, std::less<>> divisions_;
};

// The named groups a jurisdiction may be.
inline constexpr std::string_view kGreaterBayArea = "GBA";
// Greater Bay Area: Guangzhou, Shenzhen, Zhuhai, Foshan, Jiangmen, Zhaoqing, Huizhou, Dongguan,
// Zhongshan, Hong Kong, Macau.
const std::vector<std::string>& greater_bay_area_members();

// A jurisdiction: a division code or a named group ("GBA").
struct Jurisdiction {
  std::string id;                    // "441300" or "GBA"
  std::vector<std::string> members;  // division codes it covers (one for a division)
  bool operator==(const Jurisdiction&) const = default;
};
// Parses "GBA" or a division code; a division code must be in `table` (when given).
Result<Jurisdiction> parse_jurisdiction(std::string_view id, const DivisionTable* table,
                                        std::string_view field = "jurisdiction");
// Whether `division` lies in the jurisdiction. An empty division (unknown) is in none.
bool contains(const Jurisdiction& jurisdiction, std::string_view division);
// Whether every division of `inner` lies in `outer` (a sub-division of a jurisdiction).
bool contains(const Jurisdiction& outer, const Jurisdiction& inner);

}  // namespace agritrace::core
