// Events of food-safety complaints: a consumer's complaint filed from a payment voucher
// (core/public/payment_events.h) against the enterprise that was paid, its states and its rating.
// The events live in the respondent enterprise's partition: its single writer checks the states.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/describe.h"

namespace agritrace::core {

// An image the consumer attached, as re-encoded by the API (metadata stripped) and stored by its
// SHA-256 in the respondent's document store.
struct ComplaintImage {
  std::string sha256;
  std::string media_type;  // "image/jpeg" | "image/png"
  int64_t size_bytes = 0;
  int64_t width = 0;
  int64_t height = 0;
  bool operator==(const ComplaintImage&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("sha256", &ComplaintImage::sha256),
      describe::field("media_type", &ComplaintImage::media_type),
      describe::field("size_bytes", &ComplaintImage::size_bytes),
      describe::field("width", &ComplaintImage::width),
      describe::field("height", &ComplaintImage::height));
};

// a consumer filed a complaint about what voucher `transaction_id` bought. The payment
// facts (amount, day, batches, codes) are copied from this tenant's payment.notified, not from
// the consumer. `case_id` is TS + the filing day + a 4-digit sequence of that day in this
// enterprise; the consumer follows the case with a random token of which only the SHA-256 is kept.
// `accept_by` is the last day to decide acceptance (working days from `filed_on`).
struct ComplaintFiled {
  static constexpr std::string_view kType = "complaint.filed";
  std::string case_id;
  std::string follow_token_sha256;
  std::string transaction_id;
  int64_t amount_fen = 0;
  Date paid_on;
  std::vector<std::string> batch_ids;
  std::vector<std::string> serials;
  std::string text;
  std::string phone;  // optional; personal data (sealed at rest, masked outside the consumer)
  std::vector<ComplaintImage> images;
  Date filed_on;
  Date accept_by;
  bool operator==(const ComplaintFiled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("case_id", &ComplaintFiled::case_id),
      describe::field("follow_token_sha256", &ComplaintFiled::follow_token_sha256),
      describe::field("transaction_id", &ComplaintFiled::transaction_id),
      describe::field("amount_fen", &ComplaintFiled::amount_fen),
      describe::field("paid_on", &ComplaintFiled::paid_on),
      describe::field("batch_ids", &ComplaintFiled::batch_ids),
      describe::field("serials", &ComplaintFiled::serials),
      describe::field("text", &ComplaintFiled::text),
      describe::field("phone", &ComplaintFiled::phone),
      describe::field("images", &ComplaintFiled::images),
      describe::field("filed_on", &ComplaintFiled::filed_on),
      describe::field("accept_by", &ComplaintFiled::accept_by));
};

// a transition of the case: `state` accepted (已受理) | rejected (不予受理) | in_progress
// (处理中) | closed (已结案), by `actor_role` respondent | regulator (`actor` as the audit trail
// names it), with the feedback the consumer reads. `handle_by` (on accepted only): the last day to
// close the case.
struct ComplaintStateChanged {
  static constexpr std::string_view kType = "complaint.state_changed";
  std::string case_id;
  std::string state;
  std::string actor_role;
  std::string actor;
  std::string feedback;
  std::optional<Date> handle_by;
  bool operator==(const ComplaintStateChanged&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("case_id", &ComplaintStateChanged::case_id),
      describe::field("state", &ComplaintStateChanged::state),
      describe::field("actor_role", &ComplaintStateChanged::actor_role),
      describe::field("actor", &ComplaintStateChanged::actor),
      describe::field("feedback", &ComplaintStateChanged::feedback),
      describe::field("handle_by", &ComplaintStateChanged::handle_by, describe::kNullWhenAbsent));
};

// the consumer rated the closed case, once: `stars` 1..5 and a comment.
struct ComplaintRated {
  static constexpr std::string_view kType = "complaint.rated";
  std::string case_id;
  int64_t stars = 0;
  std::string comment;
  bool operator==(const ComplaintRated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("case_id", &ComplaintRated::case_id),
      describe::field("stars", &ComplaintRated::stars),
      describe::field("comment", &ComplaintRated::comment));
};

}  // namespace agritrace::core
