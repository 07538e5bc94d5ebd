// The write model of food-safety complaints: each case's state, its follow token's
// digest and whether it was rated; the number of cases filed per day (for the case number).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/base/civil_time.h"

namespace agritrace::core {

struct ComplaintCase {
  std::string state = "pending";  // pending | accepted | rejected | in_progress | closed
  std::string follow_token_sha256;
  bool rated = false;
};

struct ComplaintsState {
  std::map<std::string, ComplaintCase, std::less<>> cases;
  std::map<Date, int64_t> filed_per_day;
};

}  // namespace agritrace::core
