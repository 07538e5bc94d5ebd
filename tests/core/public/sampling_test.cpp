// R-4.4.S: the pure rules of the sampling inspection publication (core/public/sampling_rules.h).
#include <doctest/doctest.h>

#include "core/codes/codes.h"
#include "core/public/sampling_rules.h"
#include "tests/core/domain/domain_fixture.h"
#include "tests/support/test_clock.h"

namespace agritrace::core {
namespace {

using agritrace::testing::test_date;
using testing::reason;

SamplingRecord failing_sample(std::string sample_number = "DBJ26440000001") {
  SamplingRecord r;
  r.sample_number = std::move(sample_number);
  r.announcement_number = "第12期";
  r.announcement_date = test_date(-2);
  r.sampled_unit_name = "广州市某某超市有限公司";
  r.sampled_unit_region = "广东省广州市";
  r.producer_name = "惠州市罗浮山食品有限公司";
  r.producer_uscc = testing::kTenant;
  r.producer_region = "广东省惠州市博罗县";
  r.food_name = "菜心";
  r.specification = "散装";
  r.production_date = test_date(-20);
  r.lot_code = "LZ2611";
  r.result = std::string(kSamplingFailed);
  r.failing_items = {{"腐霉利", "0.52mg/kg", "≤0.2mg/kg"}};
  r.category = "蔬菜";
  r.subcategory = "叶菜类蔬菜";
  r.task_source = "广东省市场监督管理局";
  r.testing_institution = "广东省食品检验所";
  return r;
}

struct Platform : testing::Harness {
  Platform() {
    ctx.tenant = std::string(kPlatformTenant);
    ctx.today = test_date(0);
  }
};

std::string field_of(const Result<std::vector<Event>>& r) { return r.ok() ? "" : r.error().field; }

}  // namespace

TEST_CASE("R-4.4.S sampling: a result is recorded as a draft, finalised once, withdrawn once") {
  Platform p;
  auto recorded = p.apply(RecordSamplingResults{{failing_sample()}, false});
  REQUIRE(recorded.ok());
  REQUIRE(recorded->size() == 1);
  const auto& e = std::get<SamplingResultRecorded>(recorded->front());
  CHECK(e.result_id == "sr-1");
  CHECK(e.record == failing_sample());
  CHECK(p.state.sampling.results.at("sr-1").status == SamplingStatus::kDraft);

  CHECK(p.must(FinaliseSamplingResult{"sr-1"}) == "sr-1");
  CHECK(p.state.sampling.results.at("sr-1").status == SamplingStatus::kFinal);
  CHECK(reason(p.apply(FinaliseSamplingResult{"sr-1"})) == "sampling_result_already_final");
  CHECK(reason(p.apply(FinaliseSamplingResult{"sr-9"})) == "sampling_result_not_found");

  CHECK(reason(p.apply(WithdrawSamplingResult{"sr-1", ""})) == "reason_missing");
  CHECK(p.must(WithdrawSamplingResult{"sr-1", "检验机构更正"}) == "sr-1");
  CHECK(reason(p.apply(WithdrawSamplingResult{"sr-1", "again"})) == "sampling_result_withdrawn");
  CHECK(reason(p.apply(FinaliseSamplingResult{"sr-1"})) == "sampling_result_withdrawn");
  CHECK(reason(p.apply(CorrectSamplingResult{"sr-1", failing_sample(), "x"})) ==
        "sampling_result_withdrawn");
}

TEST_CASE("R-4.4.S sampling: an import is all or nothing, finalise publishes every record") {
  Platform p;
  SamplingRecord bad = failing_sample("DBJ26440000003");
  bad.food_name.clear();
  auto refused = p.apply(RecordSamplingResults{{failing_sample("DBJ26440000002"), bad}, true});
  CHECK(reason(refused) == "food_name_missing");
  CHECK(field_of(refused) == "records[1].food_name");
  CHECK(p.state.sampling.results.empty());

  auto both = p.apply(RecordSamplingResults{
      {failing_sample("DBJ26440000002"), failing_sample("DBJ26440000003")}, true});
  REQUIRE(both.ok());
  REQUIRE(both->size() == 4);  // two recorded, two finalised
  CHECK(std::holds_alternative<SamplingResultFinalised>((*both)[3]));
  CHECK(p.state.sampling.results.at("sr-2").status == SamplingStatus::kFinal);

  // A sample number is used once: in the ledger and within one import.
  auto again = p.apply(RecordSamplingResults{{failing_sample("DBJ26440000002")}, false});
  CHECK(reason(again) == "sample_number_duplicate");
  CHECK(again.error().code == ErrorCode::kConflict);
  auto twice = p.apply(RecordSamplingResults{
      {failing_sample("DBJ26440000009"), failing_sample("DBJ26440000009")}, false});
  CHECK(field_of(twice) == "records[1].sample_number");
}

TEST_CASE("R-4.4.S sampling: validation names the field with a precise reason") {
  const Date today = test_date(0);
  auto why = [&](SamplingRecord r) {
    Status s = validate_sampling_record(r, today);
    return s.ok() ? std::string("ok") : s.error().reason + "@" + s.error().field;
  };
  CHECK(why(failing_sample()) == "ok");
  SamplingRecord r = failing_sample();
  r.result = "pass";
  CHECK(why(r) == "result_invalid@result");
  r = failing_sample();
  r.failing_items.clear();
  CHECK(why(r) == "failing_items_missing@failing_items");
  r = failing_sample();
  r.result = std::string(kSamplingPassed);
  CHECK(why(r) == "failing_items_unexpected@failing_items");
  r.failing_items.clear();
  CHECK(why(r) == "ok");
  r = failing_sample();
  r.failing_items[0].item.clear();
  CHECK(why(r) == "item_missing@failing_items[0].item");
  r = failing_sample();
  r.producer_uscc = "91350100M000100Y44";  // wrong check character
  CHECK(why(r).find("@producer_uscc") != std::string::npos);
  r.producer_uscc.clear();  // a notice without the code is fine
  CHECK(why(r) == "ok");
  r = failing_sample();
  r.announcement_date = test_date(1);
  CHECK(why(r) == "announcement_date_in_future@announcement_date");
  r = failing_sample();
  r.production_date = test_date(-1);
  CHECK(why(r) == "production_date_after_announcement@production_date");
  r = failing_sample();
  r.sample_number = "has space";
  CHECK(why(r) == "sample_number_invalid@sample_number");
  r = failing_sample();
  r.testing_institution.clear();
  CHECK(why(r) == "testing_institution_missing@testing_institution");
  r = failing_sample();
  r.food_name = std::string(300, 'x');
  CHECK(why(r) == "food_name_too_long@food_name");
}

TEST_CASE(
    "R-4.4.S sampling: only the platform tenant publishes, corrections keep sample numbers "
    "unique") {
  testing::Harness enterprise;
  enterprise.ctx.today = test_date(0);
  enterprise.register_enterprise();
  CHECK(reason(enterprise.apply(RecordSamplingResults{{failing_sample()}, false})) ==
        "sampling_platform_only");

  Platform p;
  REQUIRE(p.apply(RecordSamplingResults{{failing_sample("A1"), failing_sample("A2")}, true}).ok());
  SamplingRecord corrected = failing_sample("A2");
  CHECK(reason(p.apply(CorrectSamplingResult{"sr-1", corrected, "编号更正"})) ==
        "sample_number_duplicate");
  corrected.sample_number = "A3";
  CHECK(reason(p.apply(CorrectSamplingResult{"sr-1", corrected, ""})) == "reason_missing");
  CHECK(p.must(CorrectSamplingResult{"sr-1", corrected, "编号更正"}) == "sr-1");
  CHECK(p.state.sampling.by_sample_number.at("A3") == "sr-1");
  CHECK_FALSE(p.state.sampling.by_sample_number.contains("A1"));
  CHECK(p.state.sampling.results.at("sr-1").status == SamplingStatus::kFinal);
}

TEST_CASE("R-4.4.S sampling: match keys (USCC + lot code, else production date)") {
  SamplingRecord r = failing_sample();
  CHECK(sampling_match_keys(r) == std::vector<std::string>{"lot:LZ2611"});
  r.lot_code.clear();
  CHECK(sampling_match_keys(r) == std::vector<std::string>{"date:" + format_date(test_date(-20))});
  r.producer_uscc.clear();
  CHECK(sampling_match_keys(r).empty());
  CHECK(batch_match_keys("LZ2611", test_date(-20)) ==
        std::vector<std::string>{"lot:LZ2611", "date:" + format_date(test_date(-20))});
}

}  // namespace agritrace::core
