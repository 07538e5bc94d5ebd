#include "projections/base/view_values.h"

#include "projections/base/view_store.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace agritrace::projections {

void write_quantity(JsonWriter& w, std::string_view key, const core::Quantity& q) {
  write_quantity(w, key, q.amount, core::unit_name(q.unit));
}

void write_quantity(JsonWriter& w, std::string_view key, int64_t amount, std::string_view unit) {
  w.key(key).begin_object().field("amount", amount).field("unit", unit).end_object();
}

int64_t view_int(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

void CheckedSum::add(std::string_view counter_text) {
  if (counter_text == kCounterOverflow) {
    overflow_ = true;
    return;
  }
  add(view_int(counter_text));
}

void CheckedSum::add(int64_t v) {
  if (__builtin_add_overflow(value_, v, &value_)) overflow_ = true;
}

Error total_overflow(std::string_view what, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, "total_overflow",
                    fmt::format("{} does not fit in a 64-bit amount; narrow the period", what), std::string(field));
}

Error view_not_found(std::string_view what, std::string_view id, std::string_view field) {
  return make_error(ErrorCode::kNotFound, fmt::format("{}_not_found", what),
                    fmt::format("no {} '{}' in this enterprise", what, id), std::string(field));
}

}  // namespace agritrace::projections
