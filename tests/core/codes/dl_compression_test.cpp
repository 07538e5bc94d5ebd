// GS1 Digital Link compression (R-4.4.1 resolver conformance): the published examples of the GS1
// Resolver CE test suite and the GS1 Digital Link toolkit decode and encode to the same bits.
#include "core/codes/dl_compression.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace agritrace::core {
namespace {

using Elements = std::vector<AiElement>;

struct Example {
  const char* plain_compressed;      // every AI written out (the Resolver CE's choice)
  const char* optimised_compressed;  // with the toolkit's optimisation codes (0B = 01+10, ...)
  Elements elements;
};

// From tests/setup_test.py of gs1/GS1_DigitalLink_Resolver_CE (/ARFKk4XB0CDKWcnpq) and the GS1
// Digital Link toolkit's compressGS1DigitalLink (the others, produced by it and kept here).
const std::vector<Example>& examples() {
  static const std::vector<Example> e = {
      {"ARFKk4XB0CDKWcnpq", "CxFKk4XB0MpZyemo", {{"01", "09506000134376"}, {"10", "LOT01"}}},
      {"ARFKk4XB0CDKWcnpqQtQ4hZZyxyJYY",
       "CxFKk4XB0MpZyempC1DiFlnLHIlhg",
       {{"01", "09506000134376"}, {"10", "LOT01"}, {"21", "HELLOWORLD"}}},
      {"ARFKk4XB0ELS0259rtv_i",
       "DBFKk4XB0NLTbn2u2_-I",
       {{"01", "09506000134376"}, {"21", "abc-123_x"}}},
      {"AQygQ6Q1tCDSBtpt19ppqQmD-dTgcNlqcvg",
       "CwygQ6Q1tNIG2m3X2mmpCYP51OBw2Wpy-",
       {{"01", "06941234567898"}, {"10", "A2026-001"}, {"21", "7f3a9c0e1b2d4e5f"}}},
      {"AQygQ6Q1tCAKMDkhSqvN7wEj",
       "CwygQ6Q1tAowOSFKq83vASM",
       {{"01", "06941234567898"}, {"10", "12345"}, {"21", "ABCDEF0123"}}},
      {"ARFKk4XBoCDKWcnpqLn-N5CxJag",
       "GhFKk4XBoMpZyemrElqf43g",
       {{"01", "09506000134352"}, {"10", "LOT01"}, {"17", "261231"}, {"21", "S1"}}},
      {"AQnYUc1gmiERBhQ0ytiyZuAGOLc1TQ",
       "DgnYUc1gmji3NU0IREGFDTK2LJm",
       {{"01", "05412345000013"}, {"10", "ABC&+123"}, {"7003", "1903061658"}}},
  };
  return e;
}

Elements sorted(Elements e) {
  std::sort(e.begin(), e.end(), [](const AiElement& a, const AiElement& b) { return a.ai < b.ai; });
  return e;
}

TEST_CASE("R-4.4.1 GS1 Digital Link compression matches the published examples both ways") {
  for (const auto& ex : examples()) {
    CAPTURE(ex.plain_compressed);
    auto plain = decompress_digital_link(ex.plain_compressed);
    REQUIRE(plain.ok());
    CHECK(sorted(*plain) == sorted(ex.elements));
    auto optimised = decompress_digital_link(ex.optimised_compressed);
    REQUIRE(optimised.ok());
    CHECK(sorted(*optimised) == sorted(ex.elements));
    CHECK(compress_digital_link(ex.elements, false).value() == ex.plain_compressed);
    CHECK(compress_digital_link(ex.elements, true).value() == ex.optimised_compressed);
  }
}

TEST_CASE("R-4.4.1 GS1 Digital Link compression keeps leading zeros of numeric values") {
  // The toolkit drops them from a numeric-encoded alphanumeric value (8004=095... comes back as
  // 95...); the length is in the bits, so padding restores them.
  const Elements giai = {{"8004", "0950600013430000001"}};
  auto bits = compress_digital_link(giai, false);
  REQUIRE(bits.ok());
  CHECK(*bits == "gAQTDTE1rPv6CYE");
  CHECK(decompress_digital_link(*bits).value() == giai);
  const Elements lot = {{"01", "09506000134376"}, {"10", "007"}};
  CHECK(decompress_digital_link(compress_digital_link(lot, true).value()).value() == lot);
}

TEST_CASE("R-4.4.1 GS1 Digital Link compression refuses what it cannot decode") {
  for (const char* bad : {"a/b", "AAAA", "ab cd", "", "_____________"}) {
    CAPTURE(bad);
    auto r = decompress_digital_link(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "digital_link_compressed_invalid");
  }
  CHECK_FALSE(compress_digital_link({{"01", "123"}}, false).ok());   // GTIN is 14 digits
  CHECK_FALSE(compress_digital_link({{"9999", "x"}}, false).ok());   // not an AI
  CHECK_FALSE(compress_digital_link({{"10", "批号"}}, false).ok());  // 7-bit ASCII only
}

}  // namespace
}  // namespace agritrace::core
