// Commands of inventory; rules in core/inventory/rules.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"

namespace agritrace::core {

struct StocktakeCount {
  std::string item_id;
  Quantity counted;
  std::string reason;  // required when the count differs from the stock
};

struct RecordStocktake {
  std::optional<Date> taken_on;
  std::string note;
  std::vector<StocktakeCount> counts;
};

}  // namespace agritrace::core
