// Events of inventory: stocktakes and stock adjustments. A "stock item" is an own
// batch ("b-N") or a lot ("lot-N").
#pragma once

#include <string>
#include <string_view>
#include <vector>
#include <tuple>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/quantity.h"

namespace agritrace::core {

// a count of stock items (own batches "b-N", lots "lot-N"). Every line with a variance
// is followed by a StockAdjusted of the same command.
struct StocktakeLine {
  std::string item_id;
  Quantity expected;
  Quantity counted;
  std::string reason;
  bool operator==(const StocktakeLine&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("item_id", &StocktakeLine::item_id),
      describe::field("expected", &StocktakeLine::expected),
      describe::field("counted", &StocktakeLine::counted),
      describe::field("reason", &StocktakeLine::reason));
};

struct StocktakeRecorded {
  static constexpr std::string_view kType = "stocktake.recorded";
  std::string stocktake_id;  // "st-N"
  Date taken_on;
  std::string note;
  std::vector<StocktakeLine> lines;
  bool operator==(const StocktakeRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("stocktake_id", &StocktakeRecorded::stocktake_id),
      describe::field("taken_on", &StocktakeRecorded::taken_on),
      describe::field("note", &StocktakeRecorded::note),
      describe::field("lines", &StocktakeRecorded::lines));
};

// stock of `item_id` changes by `delta` (negative: loss) for `reason`.
struct StockAdjusted {
  static constexpr std::string_view kType = "stock.adjusted";
  std::string item_id;
  Quantity delta;
  std::string reason;
  std::string stocktake_id;
  bool operator==(const StockAdjusted&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("item_id", &StockAdjusted::item_id),
      describe::field("delta", &StockAdjusted::delta),
      describe::field("reason", &StockAdjusted::reason),
      describe::field("stocktake_id", &StockAdjusted::stocktake_id));
};

}  // namespace agritrace::core
