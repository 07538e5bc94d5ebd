// Rules and fold of food-safety complaints; the state table is in complaint_rules.h.
#include <fmt/format.h>

#include <array>

#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/public/complaint_rules.h"

namespace agritrace::core {
namespace {

struct Transition {
  std::string_view from, to;
  bool respondent;  // the regulator may make every transition
};

constexpr std::array<Transition, 4> kTransitions = {{
    {"pending", "accepted", false},
    {"pending", "rejected", false},
    {"accepted", "in_progress", true},
    {"in_progress", "closed", true},
}};

Error case_not_found() {
  return not_found("complaint_not_found", "no complaint with this case number", "case_id");
}

// "TS" + YYYYMMDD + the 4-digit sequence of that day.
std::string case_number(Date day, int64_t seq) {
  const CivilDate c = civil_from_days(day.days_since_epoch);
  return fmt::format("TS{:04d}{:02d}{:02d}{:04d}", c.year, c.month, c.day, seq);
}

}  // namespace

std::string_view complaint_state_label(std::string_view state) {
  if (state == "pending") return "待受理";
  if (state == "accepted") return "已受理";
  if (state == "rejected") return "不予受理";
  if (state == "in_progress") return "处理中";
  if (state == "closed") return "已结案";
  return {};
}

bool complaint_transition_allowed(std::string_view from, std::string_view to,
                                  std::string_view actor_role) {
  for (const Transition& t : kTransitions) {
    if (t.from == from && t.to == to) {
      return actor_role == "regulator" || (actor_role == "respondent" && t.respondent);
    }
  }
  return false;
}

bool complaint_state_final(std::string_view state) {
  return state == "rejected" || state == "closed";
}

Result<std::vector<Event>> decide(const TenantState& state, const FileComplaint& c,
                                  const Context& ctx) {
  // The same answer for an unknown voucher, another amount or another day (the consumer proves
  // they are the buyer by knowing all three).
  auto paid = state.payments.by_transaction.find(c.transaction_id);
  if (paid == state.payments.by_transaction.end() || paid->second.amount_fen != c.amount_fen ||
      paid->second.paid_on != c.paid_on) {
    return not_found("voucher_not_found", "no payment with this voucher number, amount and date",
                     "voucher");
  }
  AGRITRACE_RETURN_IF_ERROR(required_text(c.text, "text", kMaxComplaintTextBytes));
  if (!c.phone.empty()) AGRITRACE_RETURN_IF_ERROR(validate_phone(c.phone, "phone"));
  if (c.images.size() > kMaxComplaintImages) {
    return invalid("images_too_many", fmt::format("at most {} images", kMaxComplaintImages),
                   "images");
  }
  for (size_t i = 0; i < c.images.size(); ++i) {
    const ComplaintImage& im = c.images[i];
    if (!is_sha256_hex(im.sha256) ||
        (im.media_type != "image/jpeg" && im.media_type != "image/png") || im.size_bytes <= 0 ||
        im.width <= 0 || im.height <= 0) {
      return invalid("image_invalid", "an image is a stored JPEG or PNG",
                     fmt::format("images[{}]", i));
    }
  }
  if (!is_sha256_hex(c.follow_token_sha256)) {
    return invalid("follow_token_invalid", "the follow token digest is 64 lowercase hex",
                   "follow_token_sha256");
  }
  if (c.accept_by <= ctx.today) {
    return invalid("accept_by_invalid", "the acceptance deadline is after the filing day",
                   "accept_by");
  }
  auto per_day = state.complaints.filed_per_day.find(ctx.today);
  const int64_t seq = (per_day == state.complaints.filed_per_day.end() ? 0 : per_day->second) + 1;
  if (seq > 9999) {
    return conflict("complaints_per_day_exhausted",
                    "this enterprise received 9999 complaints today; file again tomorrow");
  }
  ComplaintFiled e;
  e.case_id = case_number(ctx.today, seq);
  e.follow_token_sha256 = c.follow_token_sha256;
  e.transaction_id = c.transaction_id;
  e.amount_fen = paid->second.amount_fen;
  e.paid_on = paid->second.paid_on;
  e.batch_ids = paid->second.batch_ids;
  e.serials = paid->second.serials;
  e.text = c.text;
  e.phone = c.phone;
  e.images = c.images;
  e.filed_on = ctx.today;
  e.accept_by = c.accept_by;
  return std::vector<Event>{std::move(e)};
}

Result<std::vector<Event>> decide(const TenantState& state, const ChangeComplaintState& c,
                                  const Context& ctx) {
  auto it = state.complaints.cases.find(c.case_id);
  if (it == state.complaints.cases.end()) return case_not_found();
  if (complaint_state_label(c.state).empty() || c.state == "pending") {
    return invalid("complaint_state_invalid",
                   "state is accepted, rejected, in_progress or closed", "state");
  }
  if (c.actor_role != "respondent" && c.actor_role != "regulator") {
    return invalid("actor_role_invalid", "the actor is the respondent or a regulator",
                   "actor_role");
  }
  AGRITRACE_RETURN_IF_ERROR(required_text(c.feedback, "feedback", kMaxComplaintFeedbackBytes));
  const std::string& from = it->second.state;
  if (!complaint_transition_allowed(from, c.state, "regulator")) {
    return conflict("complaint_transition_invalid",
                    fmt::format("a case in state {} ({}) cannot become {} ({})", from,
                                complaint_state_label(from), c.state,
                                complaint_state_label(c.state)),
                    "state");
  }
  if (!complaint_transition_allowed(from, c.state, c.actor_role)) {
    return make_error(ErrorCode::kPermissionDenied, "complaint_transition_forbidden",
                      "only a regulator accepts or rejects a complaint", "state");
  }
  if (c.state == "accepted" && (!c.handle_by || *c.handle_by <= ctx.today)) {
    return invalid("handle_by_invalid", "an accepted case has a handling deadline after today",
                   "handle_by");
  }
  ComplaintStateChanged e;
  e.case_id = c.case_id;
  e.state = c.state;
  e.actor_role = c.actor_role;
  e.actor = ctx.actor;
  e.feedback = c.feedback;
  if (c.state == "accepted") e.handle_by = c.handle_by;
  return std::vector<Event>{std::move(e)};
}

Result<std::vector<Event>> decide(const TenantState& state, const RateComplaint& c,
                                  const Context&) {
  auto it = state.complaints.cases.find(c.case_id);
  // A wrong token answers like an unknown case: it tells nothing about the case.
  if (it == state.complaints.cases.end() ||
      it->second.follow_token_sha256 != c.follow_token_sha256) {
    return case_not_found();
  }
  if (c.stars < 1 || c.stars > 5) {
    return invalid("stars_invalid", "stars is 1 to 5", "stars");
  }
  AGRITRACE_RETURN_IF_ERROR(optional_text(c.comment, "comment", kMaxComplaintFeedbackBytes));
  if (it->second.state != "closed") {
    return conflict("complaint_not_closed", "only a closed case (已结案) is rated", "stars");
  }
  if (it->second.rated) {
    return conflict("complaint_already_rated", "this case was already rated", "stars");
  }
  return std::vector<Event>{ComplaintRated{c.case_id, c.stars, c.comment}};
}

void evolve(TenantState& state, const ComplaintFiled& e) {
  ComplaintCase& k = state.complaints.cases[e.case_id];
  k.state = "pending";
  k.follow_token_sha256 = e.follow_token_sha256;
  ++state.complaints.filed_per_day[e.filed_on];
}

void evolve(TenantState& state, const ComplaintStateChanged& e) {
  auto it = state.complaints.cases.find(e.case_id);
  if (it != state.complaints.cases.end()) it->second.state = e.state;
}

void evolve(TenantState& state, const ComplaintRated& e) {
  auto it = state.complaints.cases.find(e.case_id);
  if (it != state.complaints.cases.end()) it->second.rated = true;
}

}  // namespace agritrace::core
