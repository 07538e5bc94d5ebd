// What the views' values and the query answers share: quantities written as
// {"amount":N,"unit":"g"}, integers stored as decimal text (ViewBatch::add_int), and the 404 of a
// query for an id the caller does not have.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/base/json_writer.h"
#include "core/base/quantity.h"
#include "core/base/status.h"

namespace agritrace::projections {

void write_quantity(JsonWriter& w, std::string_view key, const core::Quantity& q);
void write_quantity(JsonWriter& w, std::string_view key, int64_t amount, std::string_view unit);

// A stored decimal integer; 0 when the text is not one.
int64_t view_int(std::string_view text);

// Sums for an answer, with overflow checked: a counter that overflowed in the views
// (kCounterOverflow) or a total that leaves int64 makes error() a 422 total_overflow naming `what`.
class CheckedSum {
 public:
  // Adds a counter's stored text.
  void add(std::string_view counter_text);
  void add(int64_t v);
  int64_t value() const { return value_; }
  bool overflowed() const { return overflow_; }

 private:
  int64_t value_ = 0;
  bool overflow_ = false;
};

// 422 total_overflow: "<what> does not fit in a 64-bit amount".
Error total_overflow(std::string_view what, std::string_view field = {});

// 404 "<what>_not_found": no <what> '<id>' in this enterprise.
Error view_not_found(std::string_view what, std::string_view id, std::string_view field);

}  // namespace agritrace::projections
