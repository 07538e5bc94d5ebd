// Quantities as exact integers in a base unit (grams, millilitres, pieces): no floating point,
// so sums over a lot's consumptions are exact and "remaining" never drifts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace agritrace::core {

enum class Unit : uint8_t { kGram, kMillilitre, kPiece };

// The base unit's name as stored in events: "g", "ml", "piece".
std::string_view unit_name(Unit unit);
// Only the base names ("g", "ml", "piece"): what encoded events contain. Reason `unit_unknown`.
Result<Unit> parse_unit_name(std::string_view name, std::string_view field);

struct Quantity {
  int64_t amount = 0;  // in the base unit
  Unit unit = Unit::kGram;
  bool operator==(const Quantity&) const = default;
};

// Converts user input to the base unit: g, kg (x1000), t (x1 000 000), ml, l or L (x1000), piece.
// The field is the JSON path of the quantity object; errors point at "<field>.amount" or
// "<field>.unit". Reasons: quantity_not_positive, unit_unknown, quantity_overflow.
Result<Quantity> parse_quantity(int64_t amount, std::string_view unit, std::string_view field);

// Checked arithmetic; both operands must share the unit. Reasons: unit_mismatch,
// quantity_overflow.
Result<Quantity> add(Quantity a, Quantity b, std::string_view field);
Result<Quantity> subtract(Quantity a, Quantity b, std::string_view field);

// "1500 g": for messages, not for storage.
std::string to_string(Quantity q);

}  // namespace agritrace::core
