// complaint rules, pure (core/public/complaint_rules.h): a complaint is filed only from a
// payment this enterprise was notified of, with the payment's facts copied from the ledger; the
// case number is TS + day + sequence; the state table (pending -> accepted | rejected ->
// in_progress -> closed) with who may move a case; a closed case is rated once by the holder of
// the follow token. Dates come from the test clock.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/base/digest.h"
#include "core/public/complaint_rules.h"
#include "tests/core/domain/domain_fixture.h"
#include "tests/support/test_clock.h"

namespace agritrace::core::testing {
namespace {

const std::string kToken = sha256_hex("follow-token");

struct ComplaintHarness : Harness {
  Date today;
  ComplaintHarness() {
    ctx.now_ms = ::agritrace::testing::test_now_ms();
    ctx.today = ::agritrace::testing::test_date();
    today = ctx.today;
    register_enterprise();
    PaymentNotified paid;
    paid.transaction_id = "4200009";
    paid.channel = "webhook";
    paid.amount_fen = 2580;
    paid.currency = "CNY";
    paid.paid_at = ::agritrace::testing::test_now_rfc3339();
    paid.paid_on = today;
    paid.batch_ids = {"b-1"};
    paid.serials = {"S1", "S2"};
    evolve(state, Event{paid});
  }
  FileComplaint filing() const {
    FileComplaint c;
    c.transaction_id = "4200009";
    c.amount_fen = 2580;
    c.paid_on = today;
    c.text = "菜心有异味";
    c.follow_token_sha256 = kToken;
    c.accept_by = Date{today.days_since_epoch + 9};
    return c;
  }
  std::string file() {
    const std::string id = must(filing());
    REQUIRE(id.rfind("TS", 0) == 0);
    return id;
  }
  Result<std::vector<Event>> move(const std::string& case_id, const std::string& to,
                                  const std::string& role, std::string feedback = "已处理") {
    ChangeComplaintState c{case_id, to, role, std::move(feedback), std::nullopt};
    if (to == "accepted") c.handle_by = Date{today.days_since_epoch + 60};
    return apply(c);
  }
};

TEST_CASE("R-4.4.2 a complaint is filed from a notified payment, its facts copied from the ledger") {
  ComplaintHarness h;
  auto r = h.apply(h.filing());
  REQUIRE(r.ok());
  const auto& e = std::get<ComplaintFiled>(r->front());
  const CivilDate c = civil_from_days(h.today.days_since_epoch);
  CHECK(e.case_id == fmt::format("TS{:04d}{:02d}{:02d}0001", c.year, c.month, c.day));
  CHECK(e.batch_ids == std::vector<std::string>{"b-1"});
  CHECK(e.serials == std::vector<std::string>{"S1", "S2"});
  CHECK(e.amount_fen == 2580);
  CHECK(e.filed_on == h.today);
  // The next case of the day has the next number.
  CHECK(h.must(h.filing()) == fmt::format("TS{:04d}{:02d}{:02d}0002", c.year, c.month, c.day));
  CHECK(h.state.complaints.cases.size() == 2);
}

TEST_CASE("R-4.4.2 filing refuses an unknown voucher, another amount or day, blank text, bad phone") {
  ComplaintHarness h;
  FileComplaint c = h.filing();
  c.transaction_id = "4200010";
  CHECK(reason(h.apply(c)) == "voucher_not_found");
  c = h.filing();
  c.amount_fen = 2581;
  CHECK(reason(h.apply(c)) == "voucher_not_found");
  c = h.filing();
  c.paid_on = Date{h.today.days_since_epoch - 1};
  CHECK(reason(h.apply(c)) == "voucher_not_found");
  c = h.filing();
  c.text = "  ";
  CHECK(reason(h.apply(c)) == "value_required");
  c = h.filing();
  c.phone = "12345";
  CHECK(reason(h.apply(c)) == "phone_invalid");
  c = h.filing();
  c.images.assign(4, ComplaintImage{std::string(64, 'a'), "image/png", 10, 1, 1});
  CHECK(reason(h.apply(c)) == "images_too_many");
  c = h.filing();
  c.accept_by = h.today;
  CHECK(reason(h.apply(c)) == "accept_by_invalid");
  CHECK(h.state.complaints.cases.empty());
}

TEST_CASE("R-4.4.2 states: pending -> accepted -> in_progress -> closed, each with feedback") {
  ComplaintHarness h;
  const std::string id = h.file();
  CHECK(h.state.complaints.cases.at(id).state == "pending");
  // Only a regulator decides acceptance.
  auto by_respondent = h.move(id, "accepted", "respondent");
  CHECK(reason(by_respondent) == "complaint_transition_forbidden");
  CHECK(by_respondent.error().code == ErrorCode::kPermissionDenied);
  // Illegal transitions: 409 with a code.
  auto skip = h.move(id, "closed", "regulator");
  CHECK(reason(skip) == "complaint_transition_invalid");
  CHECK(skip.error().code == ErrorCode::kConflict);
  CHECK(reason(h.move(id, "accepted", "regulator", "")) == "value_required");
  auto accepted = h.move(id, "accepted", "regulator", "已受理，转企业处理");
  REQUIRE(accepted.ok());
  const auto& e = std::get<ComplaintStateChanged>(accepted->front());
  CHECK(e.actor == "key-1");
  CHECK(e.actor_role == "regulator");
  CHECK(e.handle_by.has_value());
  CHECK(reason(h.move(id, "accepted", "regulator")) == "complaint_transition_invalid");
  CHECK(reason(h.move(id, "in_progress", "respondent", "已联系消费者")) == "ok");
  CHECK(reason(h.move(id, "closed", "respondent", "已退款")) == "ok");
  CHECK(h.state.complaints.cases.at(id).state == "closed");
  CHECK(reason(h.move(id, "in_progress", "regulator")) == "complaint_transition_invalid");
  CHECK(reason(h.move("TS0", "accepted", "regulator")) == "complaint_not_found");
  CHECK(reason(h.move(id, "reopened", "regulator")) == "complaint_state_invalid");
}

TEST_CASE("R-4.4.2 a rejected case is final, acceptance needs a handling deadline") {
  ComplaintHarness h;
  const std::string id = h.file();
  ChangeComplaintState no_deadline{id, "accepted", "regulator", "受理", std::nullopt};
  CHECK(reason(h.apply(no_deadline)) == "handle_by_invalid");
  CHECK(reason(h.move(id, "rejected", "regulator", "不属于食品安全投诉")) == "ok");
  CHECK(reason(h.move(id, "accepted", "regulator")) == "complaint_transition_invalid");
  CHECK(complaint_state_final("rejected"));
  CHECK(complaint_state_label("rejected") == "不予受理");
}

TEST_CASE("R-4.4.2 the consumer rates a closed case once, 1..5, with the follow token only") {
  ComplaintHarness h;
  const std::string id = h.file();
  CHECK(reason(h.apply(RateComplaint{id, kToken, 5, "满意"})) == "complaint_not_closed");
  REQUIRE(h.move(id, "accepted", "regulator").ok());
  REQUIRE(h.move(id, "in_progress", "respondent").ok());
  REQUIRE(h.move(id, "closed", "regulator").ok());
  CHECK(reason(h.apply(RateComplaint{id, sha256_hex("guess"), 5, ""})) == "complaint_not_found");
  CHECK(reason(h.apply(RateComplaint{id, kToken, 0, ""})) == "stars_invalid");
  CHECK(reason(h.apply(RateComplaint{id, kToken, 6, ""})) == "stars_invalid");
  CHECK(reason(h.apply(RateComplaint{id, kToken, 4, "处理及时"})) == "ok");
  CHECK(reason(h.apply(RateComplaint{id, kToken, 5, ""})) == "complaint_already_rated");
}

}  // namespace
}  // namespace agritrace::core::testing
