#include "core/base/quantity.h"

namespace agritrace::core {
namespace {

std::string join(std::string_view field, std::string_view leaf) {
  std::string out(field);
  if (!out.empty()) out += '.';
  out += leaf;
  return out;
}

Error overflow(std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, "quantity_overflow",
                    "the quantity is too large", std::string(field));
}

Error mismatch(Quantity a, Quantity b, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, "unit_mismatch",
                    "cannot combine " + std::string(unit_name(a.unit)) + " with " +
                        std::string(unit_name(b.unit)),
                    join(field, "unit"));
}

}  // namespace

std::string_view unit_name(Unit unit) {
  switch (unit) {
    case Unit::kGram: return "g";
    case Unit::kMillilitre: return "ml";
    case Unit::kPiece: return "piece";
  }
  return "?";
}

Result<Unit> parse_unit_name(std::string_view name, std::string_view field) {
  if (name == "g") return Unit::kGram;
  if (name == "ml") return Unit::kMillilitre;
  if (name == "piece") return Unit::kPiece;
  return make_error(ErrorCode::kInvalidArgument, "unit_unknown",
                    "unknown unit \"" + std::string(name) + "\"", std::string(field));
}

Result<Quantity> parse_quantity(int64_t amount, std::string_view unit, std::string_view field) {
  struct Scale {
    std::string_view name;
    Unit unit;
    int64_t factor;
  };
  static constexpr Scale kScales[] = {
      {"g", Unit::kGram, 1},          {"kg", Unit::kGram, 1000},
      {"t", Unit::kGram, 1'000'000},  {"ml", Unit::kMillilitre, 1},
      {"l", Unit::kMillilitre, 1000}, {"L", Unit::kMillilitre, 1000},
      {"piece", Unit::kPiece, 1},
  };
  const Scale* scale = nullptr;
  for (const Scale& s : kScales) {
    if (s.name == unit) scale = &s;
  }
  if (scale == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "unit_unknown",
                      "unknown unit \"" + std::string(unit) + "\" (use g, kg, t, ml, l or piece)",
                      join(field, "unit"));
  }
  if (amount <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "quantity_not_positive",
                      "the quantity must be positive", join(field, "amount"));
  }
  int64_t base = 0;
  if (__builtin_mul_overflow(amount, scale->factor, &base)) return overflow(join(field, "amount"));
  return Quantity{base, scale->unit};
}

Result<Quantity> add(Quantity a, Quantity b, std::string_view field) {
  if (a.unit != b.unit) return mismatch(a, b, field);
  int64_t sum = 0;
  if (__builtin_add_overflow(a.amount, b.amount, &sum)) return overflow(join(field, "amount"));
  return Quantity{sum, a.unit};
}

Result<Quantity> subtract(Quantity a, Quantity b, std::string_view field) {
  if (a.unit != b.unit) return mismatch(a, b, field);
  int64_t diff = 0;
  if (__builtin_sub_overflow(a.amount, b.amount, &diff)) return overflow(join(field, "amount"));
  return Quantity{diff, a.unit};
}

std::string to_string(Quantity q) {
  return std::to_string(q.amount) + " " + std::string(unit_name(q.unit));
}

}  // namespace agritrace::core
