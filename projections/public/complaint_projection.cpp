#include "projections/public/complaint_projection.h"

#include "core/domain/event.h"
#include "projections/public/complaint_keys.h"
#include "projections/public/complaint_record.h"

namespace agritrace::projections {
namespace {

class ComplaintProjection final
    : public EventProjection<ComplaintProjection, complaints::Handled, tenant_and_ms> {
 public:
  std::string_view name() const override { return "complaints"; }

 private:
  friend EventProjection;

  void on(const std::string& t, int64_t at_ms, const core::ComplaintFiled& e, ViewBatch& b) {
    ComplaintRecord r;
    r.tenant = t;
    r.case_id = e.case_id;
    r.follow_token_sha256 = e.follow_token_sha256;
    r.transaction_id = e.transaction_id;
    r.amount_fen = e.amount_fen;
    r.paid_on = core::format_date(e.paid_on);
    r.batch_ids = e.batch_ids;
    r.serials = e.serials;
    r.text = e.text;
    r.phone = e.phone;
    r.images = e.images;
    r.filed_at = core::format_rfc3339_utc(at_ms);
    r.filed_on = core::format_date(e.filed_on);
    r.accept_by = core::format_date(e.accept_by);
    r.history.push_back(ComplaintStep{"pending", "consumer", "consumer", "", r.filed_at});
    b.put(complaints::keys::complaint(t, e.case_id), complaint_record_json(r));
    b.put(complaints::keys::by_token(e.follow_token_sha256, t, e.case_id), e.case_id);
  }

  template <class F>
  void update(const std::string& t, const std::string& case_id, ViewBatch& b, F&& f) {
    const std::string key = complaints::keys::complaint(t, case_id);
    auto stored = b.get(key);
    if (!stored) return;
    auto r = parse_complaint_record(*stored);
    if (!r) return;
    f(*r);
    b.put(key, complaint_record_json(*r));
  }

  void on(const std::string& t, int64_t at_ms, const core::ComplaintStateChanged& e,
          ViewBatch& b) {
    update(t, e.case_id, b, [&](ComplaintRecord& r) {
      r.state = e.state;
      if (e.handle_by) r.handle_by = core::format_date(*e.handle_by);
      r.history.push_back(ComplaintStep{e.state, e.actor_role, e.actor, e.feedback,
                                        core::format_rfc3339_utc(at_ms)});
    });
  }

  void on(const std::string& t, int64_t at_ms, const core::ComplaintRated& e, ViewBatch& b) {
    update(t, e.case_id, b, [&](ComplaintRecord& r) {
      r.stars = e.stars;
      r.comment = e.comment;
      r.rated_at = core::format_rfc3339_utc(at_ms);
    });
  }
};

}  // namespace

std::unique_ptr<Projection> make_complaint_projection() {
  return std::make_unique<ComplaintProjection>();
}

}  // namespace agritrace::projections
