#include <doctest/doctest.h>

#include <limits>

#include "core/base/quantity.h"

namespace agritrace::core {

TEST_CASE("R-4.2.1 quantities convert to integer base units") {
  CHECK(*parse_quantity(5, "g", "quantity") == Quantity{5, Unit::kGram});
  CHECK(*parse_quantity(5, "kg", "quantity") == Quantity{5000, Unit::kGram});
  CHECK(*parse_quantity(2, "t", "quantity") == Quantity{2'000'000, Unit::kGram});
  CHECK(*parse_quantity(750, "ml", "quantity") == Quantity{750, Unit::kMillilitre});
  CHECK(*parse_quantity(3, "l", "quantity") == Quantity{3000, Unit::kMillilitre});
  CHECK(*parse_quantity(3, "L", "quantity") == Quantity{3000, Unit::kMillilitre});
  CHECK(*parse_quantity(12, "piece", "quantity") == Quantity{12, Unit::kPiece});
  CHECK(unit_name(Unit::kGram) == "g");
  CHECK(unit_name(Unit::kMillilitre) == "ml");
  CHECK(unit_name(Unit::kPiece) == "piece");
  CHECK(*parse_unit_name("piece", "u") == Unit::kPiece);
  CHECK_FALSE(parse_unit_name("kg", "u").ok());  // stored quantities are in base units only
  CHECK(to_string(Quantity{1500, Unit::kGram}) == "1500 g");
}

TEST_CASE("R-4.2.1 quantities refuse bad input") {
  auto zero = parse_quantity(0, "kg", "quantity");
  CHECK(zero.error().reason == "quantity_not_positive");
  CHECK(zero.error().field == "quantity.amount");
  CHECK(parse_quantity(-1, "g", "quantity").error().reason == "quantity_not_positive");
  auto unit = parse_quantity(1, "lb", "lines[0].quantity");
  CHECK(unit.error().reason == "unit_unknown");
  CHECK(unit.error().field == "lines[0].quantity.unit");
  CHECK(parse_quantity(1, "KG", "q").error().reason == "unit_unknown");
  CHECK(parse_quantity(1, "", "q").error().reason == "unit_unknown");
  const int64_t big = std::numeric_limits<int64_t>::max() / 1000 + 1;
  CHECK(parse_quantity(big, "kg", "q").error().reason == "quantity_overflow");
  CHECK(parse_quantity(big, "g", "q").ok());
  CHECK(parse_quantity(9'223'372'036'855, "t", "q").error().reason == "quantity_overflow");
}

TEST_CASE("R-4.2.2 arithmetic only between the same unit") {
  const Quantity a{1000, Unit::kGram};
  const Quantity b{250, Unit::kGram};
  CHECK(*add(a, b, "q") == Quantity{1250, Unit::kGram});
  CHECK(*subtract(a, b, "q") == Quantity{750, Unit::kGram});
  auto mixed = add(a, Quantity{1, Unit::kMillilitre}, "quantity");
  CHECK(mixed.error().reason == "unit_mismatch");
  CHECK(mixed.error().field == "quantity.unit");
  CHECK(subtract(a, Quantity{1, Unit::kPiece}, "q").error().reason == "unit_mismatch");
  const Quantity max{std::numeric_limits<int64_t>::max(), Unit::kPiece};
  CHECK(add(max, Quantity{1, Unit::kPiece}, "q").error().reason == "quantity_overflow");
}

}  // namespace agritrace::core
