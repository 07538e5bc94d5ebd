// The stored form of a complaint case: one JSON record per case under cmp/T/case_id,
// rewritten by each of its events (projections/public/complaint_projection.cpp) and read by the
// queries (complaint_queries.h), which decide what each audience sees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/public/complaint_events.h"

namespace agritrace::projections {

struct ComplaintStep {
  std::string state, actor_role, actor, feedback, at;  // at: RFC 3339 UTC
};

struct ComplaintRecord {
  std::string tenant, case_id, follow_token_sha256, transaction_id;
  int64_t amount_fen = 0;
  std::string paid_on;
  std::vector<std::string> batch_ids, serials;
  std::string text, phone;
  std::vector<core::ComplaintImage> images;
  std::string filed_at, filed_on, accept_by;
  std::string state = "pending";
  std::string handle_by;  // empty until accepted
  std::vector<ComplaintStep> history;
  int64_t stars = 0;  // 0: not rated
  std::string comment, rated_at;
};

std::string complaint_record_json(const ComplaintRecord& r);
std::optional<ComplaintRecord> parse_complaint_record(std::string_view json);

}  // namespace agritrace::projections
