// The complaint cases as each audience sees them:
// - the consumer, by case number and follow token: everything about their case, their phone in
//   full, the actors only by role;
// - the respondent enterprise: its own cases, the complainant's phone masked;
// - regulators: every enterprise's cases, the phone masked, with the respondent's name and region.
// Deadlines: `accept_by` (working days from filing, set at filing) and `handle_by` (set at
// acceptance). A case is overdue when the platform day (`today`, from the server's clock) is after
// the deadline of its current stage; an overdue case is `escalated` to the regulators (their list
// filters ?overdue=true). Computed at query time: no event is appended for it, so views stay a
// pure function of the ledger and a test clock moved forward sees the case overdue at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"
#include "projections/public/complaint_record.h"

namespace agritrace::projections {

enum class ComplaintAudience { kConsumer, kRespondent, kRegulator };

// The case of `tenant` named `case_id`.
std::optional<ComplaintRecord> complaint_of(const ViewStore& v, std::string_view tenant,
                                            std::string_view case_id);
// The case whose follow token has this digest, if its number is `case_id`.
std::optional<ComplaintRecord> complaint_by_token(const ViewStore& v, std::string_view case_id,
                                                  std::string_view token_sha256);

// Overdue: "acceptance" (pending after accept_by), "handling" (accepted or in progress after
// handle_by), or empty.
std::string complaint_overdue_stage(const ComplaintRecord& r, core::Date today);

// One case as `audience` sees it.
std::string complaint_json(const ViewStore& v, const ComplaintRecord& r, ComplaintAudience audience,
                           core::Date today);

struct ComplaintFilter {
  std::string state;          // empty: every state
  bool overdue_only = false;
  // Regulators (issue 13): whether the respondent enterprise lies in the bureau's jurisdiction;
  // empty: every respondent (the platform operator).
  std::function<bool(std::string_view tenant)> respondent_visible;
};

// A page of cases ({"items": [...], "next_after": id|null}): of `tenant` (respondent; ids are case
// numbers), or of every enterprise when `tenant` is empty (regulators; ids are "tenant/case").
Result<std::string> list_complaints(const ViewStore& v, std::string_view tenant,
                                    const ComplaintFilter& filter, const Page& page,
                                    ComplaintAudience audience, core::Date today);

}  // namespace agritrace::projections
