// Commands of food-safety complaints; rules in core/public/complaint_rules.h. The API
// resolved the voucher to this tenant, re-encoded the images and drew the follow token; the
// deadlines (working days, api/public/holidays_cn.txt) are computed by the API from the calendar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/public/complaint_events.h"

namespace agritrace::core {

struct FileComplaint {
  std::string transaction_id;  // the voucher's payment in this tenant
  int64_t amount_fen = 0;      // what the consumer says was paid (checked against the ledger)
  Date paid_on;                // the day the consumer says it was paid (checked)
  std::string text;
  std::string phone;
  std::vector<ComplaintImage> images;
  std::string follow_token_sha256;
  Date accept_by;
};

// `actor_role` is decided by the API from the caller (the respondent's key or a regulator).
struct ChangeComplaintState {
  std::string case_id;
  std::string state;  // accepted | rejected | in_progress | closed
  std::string actor_role;  // respondent | regulator
  std::string feedback;
  std::optional<Date> handle_by;  // the API sets it for `accepted`
};

struct RateComplaint {
  std::string case_id;
  std::string follow_token_sha256;
  int64_t stars = 0;
  std::string comment;
};

}  // namespace agritrace::core
