#include "projections/public/complaint_queries.h"

#include "core/base/identifiers.h"
#include "core/base/json_writer.h"
#include "core/base/pii.h"
#include "core/public/complaint_rules.h"
#include "projections/public/complaint_keys.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {
namespace {

std::string masked_phone(const std::string& phone) {
  if (phone.empty() || phone == core::kPiiErased) return phone;
  return core::mask_phone(phone);
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.key(key).begin_array();
  for (const std::string& v : values) w.value(v);
  w.end_array();
}

void write_case(JsonWriter& w, const ViewStore& v, const ComplaintRecord& r,
                ComplaintAudience audience, core::Date today) {
  const bool consumer = audience == ComplaintAudience::kConsumer;
  w.begin_object()
      .field("case_id", r.case_id)
      .field("state", r.state)
      .field("state_label", core::complaint_state_label(r.state));
  w.key("respondent").begin_object().field("name", enterprise_name_of(v, r.tenant))
      .field("region", enterprise_region_of(v, r.tenant));
  if (!consumer) w.field("uscc", r.tenant);
  w.end_object();
  w.field("voucher", r.transaction_id)
      .field("amount_fen", r.amount_fen)
      .field("paid_on", r.paid_on);
  write_strings(w, "batch_ids", r.batch_ids);
  write_strings(w, "serials", r.serials);
  w.field("text", r.text);
  if (!r.phone.empty()) w.field("phone", consumer ? r.phone : masked_phone(r.phone));
  w.key("images").begin_array();
  for (const core::ComplaintImage& im : r.images) {
    w.begin_object()
        .field("sha256", im.sha256)
        .field("media_type", im.media_type)
        .field("width", im.width)
        .field("height", im.height)
        .field("size_bytes", im.size_bytes)
        .end_object();
  }
  w.end_array();
  w.field("filed_at", r.filed_at).field("filed_on", r.filed_on);
  w.key("deadlines").begin_object().field("accept_by", r.accept_by);
  if (r.handle_by.empty()) {
    w.key("handle_by").null();
  } else {
    w.field("handle_by", r.handle_by);
  }
  w.end_object();
  const std::string overdue = complaint_overdue_stage(r, today);
  w.field("overdue", !overdue.empty());
  if (overdue.empty()) {
    w.key("overdue_stage").null();
  } else {
    w.field("overdue_stage", overdue);
  }
  w.field("escalated", !overdue.empty());
  w.key("history").begin_array();
  for (const ComplaintStep& s : r.history) {
    w.begin_object()
        .field("state", s.state)
        .field("state_label", core::complaint_state_label(s.state))
        .field("actor_role", s.actor_role);
    if (!consumer) w.field("actor", s.actor);
    w.field("feedback", s.feedback).field("at", s.at).end_object();
  }
  w.end_array();
  if (r.stars == 0) {
    w.key("rating").null();
  } else {
    w.key("rating").begin_object().field("stars", r.stars).field("comment", r.comment)
        .field("at", r.rated_at).end_object();
  }
  w.end_object();
}

}  // namespace

std::optional<ComplaintRecord> complaint_of(const ViewStore& v, std::string_view tenant,
                                            std::string_view case_id) {
  auto stored = v.get(complaints::keys::complaint(tenant, case_id));
  if (!stored) return std::nullopt;
  return parse_complaint_record(*stored);
}

std::optional<ComplaintRecord> complaint_by_token(const ViewStore& v, std::string_view case_id,
                                                  std::string_view token_sha256) {
  const std::string prefix = complaints::keys::by_token(token_sha256);
  std::optional<ComplaintRecord> found;
  v.scan_prefix(prefix, [&](std::string_view key, std::string_view value) {
    if (value != case_id) return true;
    std::string_view rest = key.substr(prefix.size());
    found = complaint_of(v, rest.substr(0, rest.find('/')), case_id);
    return !found;
  });
  if (found && found->follow_token_sha256 != token_sha256) return std::nullopt;
  return found;
}

std::string complaint_overdue_stage(const ComplaintRecord& r, core::Date today) {
  const std::string day = core::format_date(today);  // YYYY-MM-DD compares as text
  if (r.state == "pending" && !r.accept_by.empty() && day > r.accept_by) return "acceptance";
  if ((r.state == "accepted" || r.state == "in_progress") && !r.handle_by.empty() &&
      day > r.handle_by) {
    return "handling";
  }
  return {};
}

std::string complaint_json(const ViewStore& v, const ComplaintRecord& r, ComplaintAudience audience,
                           core::Date today) {
  JsonWriter w;
  write_case(w, v, r, audience, today);
  return w.take();
}

Result<std::string> list_complaints(const ViewStore& v, std::string_view tenant,
                                    const ComplaintFilter& filter, const Page& page,
                                    ComplaintAudience audience, core::Date today) {
  if (!filter.state.empty() && core::complaint_state_label(filter.state).empty()) {
    return make_error(ErrorCode::kInvalidArgument, "state_invalid",
                      "state is pending, accepted, rejected, in_progress or closed", "state");
  }
  // Every enterprise's cases: the prefix "cmp/" itself; ids are "tenant/case".
  const std::string prefix = tenant.empty() ? std::string(view_prefix(ViewKind::kComplaint)) + "/"
                                            : complaints::keys::complaint(tenant);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  std::string last;
  bool more = false;
  v.scan_prefix(prefix, [&](std::string_view key, std::string_view value) {
    const std::string id(key.substr(prefix.size()));
    if (!page.after.empty() && id <= page.after) return true;
    auto r = parse_complaint_record(value);
    if (!r) return true;
    if (!filter.state.empty() && r->state != filter.state) return true;
    if (filter.respondent_visible && !filter.respondent_visible(r->tenant)) return true;
    if (filter.overdue_only && complaint_overdue_stage(*r, today).empty()) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    write_case(w, v, *r, audience, today);
    last = id;
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) {
    w.value(last);
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

}  // namespace agritrace::projections
