// Issue 13: GB/T 2260 division codes, the shipped Guangdong table, jurisdictions and the
// Greater Bay Area group, and matching an enterprise's free-text region to its division.
#include "core/regulator/jurisdiction.h"

#include <doctest/doctest.h>

#include <string>

#include "events/regulator/divisions.h"

namespace agritrace::core {
namespace {

TEST_CASE("R-4.5 division codes: level, parent and within follow GB/T 2260") {
  CHECK(is_division_code("440000"));
  CHECK(is_division_code("441322"));
  CHECK(is_division_code("810000"));
  CHECK_FALSE(is_division_code("44130"));
  CHECK_FALSE(is_division_code("4413a2"));
  CHECK_FALSE(is_division_code("000000"));
  CHECK_FALSE(is_division_code("440006"));  // a county part without a prefecture part
  CHECK(check_division_code("99", "division").error().field == "division");

  CHECK(division_level("440000") == DivisionLevel::kProvince);
  CHECK(division_level("440100") == DivisionLevel::kPrefecture);
  CHECK(division_level("440106") == DivisionLevel::kCounty);
  CHECK(division_parent("440106") == std::optional<std::string>("440100"));
  CHECK(division_parent("440100") == std::optional<std::string>("440000"));
  CHECK_FALSE(division_parent("440000").has_value());

  CHECK(division_within("440106", "440100"));
  CHECK(division_within("440106", "440000"));
  CHECK(division_within("440106", "440106"));
  CHECK_FALSE(division_within("440306", "440100"));
  CHECK_FALSE(division_within("440100", "440106"));
  CHECK_FALSE(division_within("450100", "440000"));
}

TEST_CASE(
    "R-4.5 shipped division table: Guangdong's 21 prefectures and 122 county-level divisions") {
  const DivisionTable& t = events::shipped_divisions();
  REQUIRE(t.find("440000") != nullptr);
  CHECK(t.find("440000")->name == "广东省");
  CHECK(t.children("440000").size() == 21);
  size_t counties = 0;
  for (const Division* d : t.within("440000")) counties += d->level == DivisionLevel::kCounty;
  CHECK(counties == 122);
  CHECK(t.find("441322")->name == "博罗县");
  CHECK(t.find("440106")->name == "天河区");
  CHECK(t.children("441900").empty());  // Dongguan: no county level
  CHECK(t.find("810000") != nullptr);
  CHECK(t.find("820000") != nullptr);
  CHECK(events::shipped_divisions_text().find("National Bureau of Statistics") !=
        std::string_view::npos);
}

TEST_CASE("R-4.5 division table text: malformed lines are refused with their line number") {
  CHECK(DivisionTable::parse("440000\t广东省\n440100\t广州市\n").ok());
  auto orphan = DivisionTable::parse("# c\n440100\t广州市\n");
  REQUIRE_FALSE(orphan.ok());
  CHECK(orphan.error().message.find("line 2") != std::string::npos);
  CHECK_FALSE(DivisionTable::parse("440000 广东省\n").ok());
  CHECK_FALSE(DivisionTable::parse("440000\t广东省\n440000\t广东省\n").ok());
  CHECK_FALSE(DivisionTable::parse("# nothing\n").ok());
}

TEST_CASE("R-4.5 an enterprise's free-text region matches its division") {
  const DivisionTable& t = events::shipped_divisions();
  auto m = [&](std::string_view text) { return t.match_region(text).value_or("none"); };
  CHECK(m("广东省惠州市博罗县") == "441322");
  CHECK(m("惠州博罗") == "441322");
  CHECK(m("广东省广州市天河区体育西路") == "440106");
  CHECK(m("深圳市南山区科技园") == "440305");
  CHECK(m("广州") == "440100");
  CHECK(m("广东省东莞市") == "441900");
  CHECK(m("广东省") == "440000");
  CHECK(m("博罗县") == "441322");      // a unique county name alone
  CHECK(m("汕尾市城区") == "441502");  // "城区" only inside its city
  CHECK(m("城区") == "none");
  CHECK(m("香港") == "810000");
  CHECK(m("浙江省杭州市") == "none");
  CHECK(m("") == "none");
}

TEST_CASE("R-4.5 jurisdictions: a division or the Greater Bay Area contains divisions") {
  const DivisionTable& t = events::shipped_divisions();
  auto gz = parse_jurisdiction("440100", &t);
  REQUIRE(gz.ok());
  CHECK(contains(*gz, "440106"));
  CHECK_FALSE(contains(*gz, "440305"));
  CHECK_FALSE(contains(*gz, ""));

  auto gba = parse_jurisdiction("GBA", &t);
  REQUIRE(gba.ok());
  CHECK(gba->members.size() == 11);
  for (std::string_view in : {"440106", "440305", "440402", "440606", "440703", "441202", "441322",
                              "441900", "442000", "810000", "820000"}) {
    CHECK_MESSAGE(contains(*gba, in), in);
  }
  for (std::string_view out : {"440203", "440507", "441402", "445102", "440000"}) {
    CHECK_FALSE_MESSAGE(contains(*gba, out), out);
  }
  CHECK(contains(*gba, *gz));
  CHECK_FALSE(contains(*gz, *gba));
  auto gd = parse_jurisdiction("440000", &t);
  CHECK(contains(*gd, *gz));

  auto bad = parse_jurisdiction("4401", &t);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().reason == "jurisdiction_invalid");
  auto unknown = parse_jurisdiction("450100", &t);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().reason == "jurisdiction_unknown");
}

}  // namespace
}  // namespace agritrace::core
