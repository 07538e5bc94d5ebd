// Rules of food-safety complaints.
//
// States: pending (待受理) -> accepted (已受理) | rejected (不予受理, final);
// accepted -> in_progress (处理中) -> closed (已结案, final). Who may move a case:
//   regulator  : every transition (the market-supervision authority decides acceptance);
//   respondent : accepted -> in_progress and in_progress -> closed (it handles and settles its
//                cases), never acceptance or rejection.
// Every transition carries a feedback text (the reason, for a rejection). The consumer (holder of
// the follow token) rates a closed case once, 1..5 stars.
#pragma once

#include <string_view>
#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

inline constexpr size_t kMaxComplaintTextBytes = 4000;
inline constexpr size_t kMaxComplaintFeedbackBytes = 2000;
inline constexpr size_t kMaxComplaintImages = 3;

// The Chinese name of a state ("待受理" for pending); empty for an unknown state.
std::string_view complaint_state_label(std::string_view state);
// Whether `actor_role` may move a case from `from` to `to` (the table above).
bool complaint_transition_allowed(std::string_view from, std::string_view to,
                                  std::string_view actor_role);
// Whether `state` is final (rejected, closed): no deadline runs.
bool complaint_state_final(std::string_view state);

Result<std::vector<Event>> decide(const TenantState& state, const FileComplaint& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const ChangeComplaintState& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const RateComplaint& c,
                                  const Context& ctx);
void evolve(TenantState& state, const ComplaintFiled& e);
void evolve(TenantState& state, const ComplaintStateChanged& e);
void evolve(TenantState& state, const ComplaintRated& e);

}  // namespace agritrace::core
