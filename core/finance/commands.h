// Commands of income and expense; rules in core/finance/rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/civil_time.h"
#include "core/finance/events.h"

namespace agritrace::core {

struct RecordFinanceEntry {
  FinanceDirection direction = FinanceDirection::kIncome;
  int64_t amount_fen = 0;
  std::string category;
  std::string counterparty_id;
  std::string document;
  std::optional<Date> date;
  std::string note;
};

}  // namespace agritrace::core
