#include "core/regulator/jurisdiction.h"

#include <fmt/format.h>

#include <algorithm>

namespace agritrace::core {
namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

size_t utf8_chars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The name without its last character ("博罗县" -> "博罗"), or empty when fewer than two
// characters would remain.
std::string_view short_name(std::string_view name) {
  if (name.empty()) return {};
  size_t end = name.size() - 1;
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
  std::string_view shorter = name.substr(0, end);
  return utf8_chars(shorter) >= 2 ? shorter : std::string_view{};
}

std::string_view strip_suffix(std::string_view name, std::string_view suffix) {
  if (name.size() > suffix.size() && name.ends_with(suffix) &&
      utf8_chars(name.substr(0, name.size() - suffix.size())) >= 2) {
    return name.substr(0, name.size() - suffix.size());
  }
  return {};
}

// The earliest place at or after `from` where `name` or one of its accepted short forms occurs;
// the length of what matched goes to *matched.
size_t find_name(std::string_view text, size_t from, const Division& d, bool short_forms,
                 size_t* matched) {
  size_t best = std::string_view::npos;
  auto consider = [&](std::string_view form) {
    if (form.empty()) return;
    size_t at = text.find(form, from);
    if (at == std::string_view::npos) return;
    if (best == std::string_view::npos || at < best || (at == best && form.size() > *matched)) {
      best = at;
      *matched = form.size();
    }
  };
  consider(d.name);
  if (short_forms) {
    if (d.level == DivisionLevel::kProvince) {
      consider(strip_suffix(d.name, "特别行政区"));
      consider(strip_suffix(d.name, "省"));
    } else {
      consider(short_name(d.name));
    }
  }
  return best;
}

}  // namespace

std::string_view division_level_name(DivisionLevel level) {
  switch (level) {
    case DivisionLevel::kProvince:
      return "province";
    case DivisionLevel::kPrefecture:
      return "prefecture";
    case DivisionLevel::kCounty:
      return "county";
  }
  return "county";
}

bool is_division_code(std::string_view code) {
  if (code.size() != 6 || !all_digits(code)) return false;
  int province = (code[0] - '0') * 10 + (code[1] - '0');
  if (province < 11 || province > 82) return false;
  // A county part without a prefecture part does not exist (440006).
  return !(code.substr(2, 2) == "00" && code.substr(4, 2) != "00");
}

Status check_division_code(std::string_view code, std::string_view field) {
  if (is_division_code(code)) return Status::Ok();
  return make_error(
      ErrorCode::kInvalidArgument, "division_code_invalid",
      fmt::format("'{}' is not a GB/T 2260 division code (six digits, e.g. 441322)", code),
      std::string(field));
}

DivisionLevel division_level(std::string_view code) {
  if (code.substr(2) == "0000") return DivisionLevel::kProvince;
  if (code.substr(4) == "00") return DivisionLevel::kPrefecture;
  return DivisionLevel::kCounty;
}

std::optional<std::string> division_parent(std::string_view code) {
  switch (division_level(code)) {
    case DivisionLevel::kProvince:
      return std::nullopt;
    case DivisionLevel::kPrefecture:
      return std::string(code.substr(0, 2)) + "0000";
    case DivisionLevel::kCounty:
      return std::string(code.substr(0, 4)) + "00";
  }
  return std::nullopt;
}

bool division_within(std::string_view inner, std::string_view outer) {
  if (!is_division_code(inner) || !is_division_code(outer)) return false;
  switch (division_level(outer)) {
    case DivisionLevel::kProvince:
      return inner.substr(0, 2) == outer.substr(0, 2);
    case DivisionLevel::kPrefecture:
      return inner.substr(0, 4) == outer.substr(0, 4);
    case DivisionLevel::kCounty:
      return inner == outer;
  }
  return false;
}

Result<DivisionTable> DivisionTable::parse(std::string_view text) {
  DivisionTable table;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    size_t tab = line.find('\t');
    auto bad = [&](std::string_view why) {
      return make_error(ErrorCode::kInvalidArgument, "division_table_invalid",
                        fmt::format("division table line {}: {}", line_no, why));
    };
    if (tab == std::string_view::npos) return bad("expected <code><TAB><name>");
    std::string_view code = line.substr(0, tab);
    std::string_view name = line.substr(tab + 1);
    if (!is_division_code(code)) return bad(fmt::format("'{}' is not a division code", code));
    if (name.empty() || name.find('\t') != std::string_view::npos) return bad("bad name");
    if (table.divisions_.contains(code)) return bad(fmt::format("{} listed twice", code));
    auto parent = division_parent(code);
    // Dongguan and Zhongshan have no county level; a prefecture needs its province only when
    // the table lists that province's other divisions (Hong Kong and Macau stand alone).
    if (parent && !table.divisions_.contains(*parent)) {
      return bad(fmt::format("{} listed before its parent {}", code, *parent));
    }
    table.divisions_.emplace(std::string(code),
                             Division{std::string(code), std::string(name), division_level(code)});
  }
  if (table.divisions_.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "division_table_invalid",
                      "division table lists no division");
  }
  return table;
}

const Division* DivisionTable::find(std::string_view code) const {
  auto it = divisions_.find(code);
  return it == divisions_.end() ? nullptr : &it->second;
}

std::vector<const Division*> DivisionTable::children(std::string_view code) const {
  std::vector<const Division*> out;
  for (const auto& [c, d] : divisions_) {
    if (division_parent(c) == code) out.push_back(&d);
  }
  return out;
}

std::vector<const Division*> DivisionTable::within(std::string_view code) const {
  std::vector<const Division*> out;
  for (const auto& [c, d] : divisions_) {
    if (division_within(c, code)) out.push_back(&d);
  }
  return out;
}

std::optional<std::string> DivisionTable::match_region(std::string_view region) const {
  // The best match of a level: earliest in the text, longest at the same place; a tie between
  // two divisions is ambiguous.
  struct Best {
    const Division* d = nullptr;
    size_t at = std::string_view::npos;
    size_t len = 0;
    bool ambiguous = false;
  };
  auto best_of = [&](DivisionLevel level, std::string_view parent, size_t from, bool short_forms) {
    Best best;
    for (const auto& [c, d] : divisions_) {
      if (d.level != level || (!parent.empty() && !division_within(c, parent))) continue;
      size_t len = 0;
      size_t at = find_name(region, from, d, short_forms, &len);
      if (at == std::string_view::npos) continue;
      if (best.d == nullptr || at < best.at || (at == best.at && len > best.len)) {
        best = Best{&d, at, len, false};
      } else if (at == best.at && len == best.len) {
        best.ambiguous = true;
      }
    }
    return best;
  };
  Best province = best_of(DivisionLevel::kProvince, {}, 0, true);
  std::string_view in_province = province.d && !province.ambiguous ? province.d->code : "";
  size_t after_province = province.d ? province.at + province.len : 0;
  Best prefecture = best_of(DivisionLevel::kPrefecture, in_province,
                            in_province.empty() ? 0 : after_province, true);
  if (prefecture.d && !prefecture.ambiguous) {
    Best county =
        best_of(DivisionLevel::kCounty, prefecture.d->code, prefecture.at + prefecture.len, true);
    if (county.d && !county.ambiguous) return county.d->code;
    return prefecture.d->code;
  }
  if (prefecture.ambiguous) return std::nullopt;
  // No city named: a county's full name, when unique in the table (and not a bare "城区").
  Best county = best_of(DivisionLevel::kCounty, in_province, 0, false);
  if (county.d && !county.ambiguous && utf8_chars(county.d->name) >= 3) return county.d->code;
  if (province.d && !province.ambiguous) return province.d->code;
  return std::nullopt;
}

const std::vector<std::string>& greater_bay_area_members() {
  static const std::vector<std::string> kMembers = {
      "440100",  // 广州市 Guangzhou
      "440300",  // 深圳市 Shenzhen
      "440400",  // 珠海市 Zhuhai
      "440600",  // 佛山市 Foshan
      "440700",  // 江门市 Jiangmen
      "441200",  // 肇庆市 Zhaoqing
      "441300",  // 惠州市 Huizhou
      "441900",  // 东莞市 Dongguan
      "442000",  // 中山市 Zhongshan
      "810000",  // 香港特别行政区 Hong Kong
      "820000",  // 澳门特别行政区 Macau
  };
  return kMembers;
}

Result<Jurisdiction> parse_jurisdiction(std::string_view id, const DivisionTable* table,
                                        std::string_view field) {
  if (id == kGreaterBayArea) {
    return Jurisdiction{std::string(kGreaterBayArea), greater_bay_area_members()};
  }
  if (Status s = check_division_code(id, field); !s.ok()) {
    Error e = s.error();
    e.reason = "jurisdiction_invalid";
    e.message =
        fmt::format("'{}' is neither a division code nor a named group ({})", id, kGreaterBayArea);
    return e;
  }
  if (table != nullptr && table->find(id) == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "jurisdiction_unknown",
                      fmt::format("division {} is not in the division table", id),
                      std::string(field));
  }
  return Jurisdiction{std::string(id), {std::string(id)}};
}

bool contains(const Jurisdiction& jurisdiction, std::string_view division) {
  return std::any_of(jurisdiction.members.begin(), jurisdiction.members.end(),
                     [&](const std::string& m) { return division_within(division, m); });
}

bool contains(const Jurisdiction& outer, const Jurisdiction& inner) {
  return !inner.members.empty() &&
         std::all_of(inner.members.begin(), inner.members.end(),
                     [&](const std::string& m) { return contains(outer, m); });
}

}  // namespace agritrace::core
