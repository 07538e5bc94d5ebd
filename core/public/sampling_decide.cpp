// Rules and fold of the sampling inspection publication (R-4.4.S).
#include <algorithm>

#include "core/base/identifiers.h"
#include "core/base/rule_errors.h"
#include "core/codes/codes.h"
#include "core/domain/decide.h"
#include "core/public/sampling_rules.h"

namespace agritrace::core {
namespace {

Status text(std::string_view value, std::string_view field, size_t max, bool required) {
  if (required && value.empty()) {
    return invalid(std::string(field) + "_missing", std::string(field) + " is required",
                   std::string(field));
  }
  if (value.size() > max) {
    return invalid(std::string(field) + "_too_long",
                   std::string(field) + " is at most " + std::to_string(max) + " bytes",
                   std::string(field));
  }
  return Status::Ok();
}

bool printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch > 0x20 && ch < 0x7f; });
}

// Errors of the record at `index` of a command name the record: records[3].food_name.
Error at_record(Error e, size_t index) {
  e.field = "records[" + std::to_string(index) + "]." + e.field;
  return e;
}

Result<const SamplingEntry*> existing(const TenantState& s, std::string_view id) {
  auto it = s.sampling.results.find(id);
  if (it == s.sampling.results.end()) {
    return not_found("sampling_result_not_found", "no sampling result with this id", "result_id");
  }
  return &it->second;
}

Status platform_only(const Context& ctx) {
  if (ctx.tenant != kPlatformTenant) {
    return conflict("sampling_platform_only",
                    "sampling results are published by regulators on the platform", "tenant");
  }
  return Status::Ok();
}

}  // namespace

Status validate_sampling_record(const SamplingRecord& r, Date today) {
  if (r.sample_number.empty()) {
    return invalid("sample_number_missing", "sample_number (抽样编号) is required",
                   "sample_number");
  }
  if (r.sample_number.size() > 64 || !printable_ascii(r.sample_number)) {
    return invalid("sample_number_invalid",
                   "a sample number is 1 to 64 printable ASCII characters without spaces",
                   "sample_number");
  }
  AGRITRACE_RETURN_IF_ERROR(
      text(r.announcement_number, "announcement_number", kMaxSamplingShortText, true));
  if (r.announcement_date > today) {
    return invalid("announcement_date_in_future", "the announcement date is after today",
                   "announcement_date");
  }
  AGRITRACE_RETURN_IF_ERROR(text(r.sampled_unit_name, "sampled_unit_name", kMaxNameBytes, true));
  AGRITRACE_RETURN_IF_ERROR(
      text(r.sampled_unit_region, "sampled_unit_region", kMaxTextBytes, false));
  AGRITRACE_RETURN_IF_ERROR(text(r.producer_name, "producer_name", kMaxNameBytes, true));
  if (!r.producer_uscc.empty())
    AGRITRACE_RETURN_IF_ERROR(validate_uscc(r.producer_uscc, "producer_uscc"));
  AGRITRACE_RETURN_IF_ERROR(text(r.producer_region, "producer_region", kMaxTextBytes, false));
  AGRITRACE_RETURN_IF_ERROR(text(r.food_name, "food_name", kMaxNameBytes, true));
  AGRITRACE_RETURN_IF_ERROR(text(r.specification, "specification", kMaxSamplingShortText, false));
  if (r.production_date) {
    if (*r.production_date > today) {
      return invalid("production_date_in_future", "the production date is after today",
                     "production_date");
    }
    if (*r.production_date > r.announcement_date) {
      return invalid("production_date_after_announcement",
                     "the production date is after the announcement date", "production_date");
    }
  }
  AGRITRACE_RETURN_IF_ERROR(text(r.lot_code, "lot_code", 64, false));
  if (r.result != kSamplingPassed && r.result != kSamplingFailed) {
    return invalid("result_invalid", "result is 合格 or 不合格", "result");
  }
  if (r.failed() && r.failing_items.empty()) {
    return invalid("failing_items_missing", "a failed sample (不合格) names its failing item(s)",
                   "failing_items");
  }
  if (!r.failed() && !r.failing_items.empty()) {
    return invalid("failing_items_unexpected", "a passed sample (合格) has no failing item",
                   "failing_items");
  }
  if (r.failing_items.size() > kMaxSamplingFailingItems) {
    return invalid("failing_items_too_many",
                   "at most " + std::to_string(kMaxSamplingFailingItems) + " failing items",
                   "failing_items");
  }
  for (size_t i = 0; i < r.failing_items.size(); ++i) {
    const SamplingFailingItem& f = r.failing_items[i];
    const std::string at = "failing_items[" + std::to_string(i) + "]";
    for (auto [value, name, required] :
         {std::tuple{std::string_view(f.item), "item", true},
          std::tuple{std::string_view(f.measured_value), "measured_value", false},
          std::tuple{std::string_view(f.standard_value), "standard_value", false}}) {
      Status s = text(value, name, kMaxSamplingShortText, required);
      if (!s.ok()) {
        Error e = s.error();
        e.field = at + "." + e.field;
        return e;
      }
    }
  }
  AGRITRACE_RETURN_IF_ERROR(text(r.category, "category", kMaxSamplingShortText, false));
  AGRITRACE_RETURN_IF_ERROR(text(r.subcategory, "subcategory", kMaxSamplingShortText, false));
  AGRITRACE_RETURN_IF_ERROR(text(r.task_source, "task_source", kMaxNameBytes, false));
  AGRITRACE_RETURN_IF_ERROR(
      text(r.testing_institution, "testing_institution", kMaxNameBytes, true));
  return Status::Ok();
}

std::vector<std::string> sampling_match_keys(const SamplingRecord& r) {
  if (r.producer_uscc.empty()) return {};
  if (!r.lot_code.empty()) return {"lot:" + r.lot_code};
  if (r.production_date) return {"date:" + format_date(*r.production_date)};
  return {};
}

std::vector<std::string> batch_match_keys(std::string_view lot_code, Date production_date) {
  std::vector<std::string> keys;
  if (!lot_code.empty()) keys.push_back("lot:" + std::string(lot_code));
  keys.push_back("date:" + format_date(production_date));
  return keys;
}

Result<std::vector<Event>> decide(const TenantState& s, const RecordSamplingResults& c,
                                  const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(platform_only(ctx));
  if (c.records.empty()) {
    return invalid("records_missing", "at least one sampling result is required", "records");
  }
  if (c.records.size() > kMaxSamplingRecordsPerCommand) {
    return invalid("records_too_many",
                   "at most " + std::to_string(kMaxSamplingRecordsPerCommand) + " results at once",
                   "records");
  }
  std::vector<Event> out;
  std::map<std::string_view, size_t> seen;  // sample numbers of this command
  int64_t last = s.sampling.last_result;
  for (size_t i = 0; i < c.records.size(); ++i) {
    const SamplingRecord& r = c.records[i];
    Status valid = validate_sampling_record(r, ctx.today);
    if (!valid.ok()) return at_record(valid.error(), i);
    if (s.sampling.by_sample_number.contains(r.sample_number) ||
        !seen.emplace(r.sample_number, i).second) {
      return at_record(conflict("sample_number_duplicate",
                                "a sampling result with this sample number is already recorded",
                                "sample_number"),
                       i);
    }
    SamplingResultRecorded e;
    e.result_id = next_id("sr-", last++);
    e.record = r;
    out.emplace_back(std::move(e));
  }
  if (c.finalise) {
    const size_t n = out.size();
    for (size_t i = 0; i < n; ++i) {
      out.emplace_back(SamplingResultFinalised{std::get<SamplingResultRecorded>(out[i]).result_id});
    }
  }
  return out;
}

Result<std::vector<Event>> decide(const TenantState& s, const FinaliseSamplingResult& c,
                                  const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(platform_only(ctx));
  auto entry = existing(s, c.result_id);
  if (!entry.ok()) return entry.error();
  if ((*entry)->status == SamplingStatus::kFinal) {
    return conflict("sampling_result_already_final", "the result is already final", "result_id");
  }
  if ((*entry)->status == SamplingStatus::kWithdrawn) {
    return conflict("sampling_result_withdrawn", "the result was withdrawn", "result_id");
  }
  return std::vector<Event>{SamplingResultFinalised{c.result_id}};
}

Result<std::vector<Event>> decide(const TenantState& s, const CorrectSamplingResult& c,
                                  const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(platform_only(ctx));
  auto entry = existing(s, c.result_id);
  if (!entry.ok()) return entry.error();
  if ((*entry)->status == SamplingStatus::kWithdrawn) {
    return conflict("sampling_result_withdrawn", "the result was withdrawn", "result_id");
  }
  AGRITRACE_RETURN_IF_ERROR(text(c.reason, "reason", kMaxNoteBytes, true));
  AGRITRACE_RETURN_IF_ERROR(validate_sampling_record(c.record, ctx.today));
  if (auto it = s.sampling.by_sample_number.find(c.record.sample_number);
      it != s.sampling.by_sample_number.end() && it->second != c.result_id) {
    return conflict("sample_number_duplicate", "another sampling result has this sample number",
                    "sample_number");
  }
  return std::vector<Event>{SamplingResultCorrected{c.result_id, c.record, c.reason}};
}

Result<std::vector<Event>> decide(const TenantState& s, const WithdrawSamplingResult& c,
                                  const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(platform_only(ctx));
  auto entry = existing(s, c.result_id);
  if (!entry.ok()) return entry.error();
  if ((*entry)->status == SamplingStatus::kWithdrawn) {
    return conflict("sampling_result_withdrawn", "the result was already withdrawn", "result_id");
  }
  AGRITRACE_RETURN_IF_ERROR(text(c.reason, "reason", kMaxNoteBytes, true));
  return std::vector<Event>{SamplingResultWithdrawn{c.result_id, c.reason}};
}

void evolve(TenantState& s, const SamplingResultRecorded& e) {
  observe_id(s.sampling.last_result, e.result_id, "sr-");
  s.sampling.results[e.result_id] = SamplingEntry{SamplingStatus::kDraft, e.record.sample_number};
  s.sampling.by_sample_number[e.record.sample_number] = e.result_id;
}

void evolve(TenantState& s, const SamplingResultFinalised& e) {
  auto it = s.sampling.results.find(e.result_id);
  if (it != s.sampling.results.end()) it->second.status = SamplingStatus::kFinal;
}

void evolve(TenantState& s, const SamplingResultCorrected& e) {
  auto it = s.sampling.results.find(e.result_id);
  if (it == s.sampling.results.end()) return;
  if (it->second.sample_number != e.record.sample_number) {
    s.sampling.by_sample_number.erase(it->second.sample_number);
    it->second.sample_number = e.record.sample_number;
    s.sampling.by_sample_number[e.record.sample_number] = e.result_id;
  }
}

void evolve(TenantState& s, const SamplingResultWithdrawn& e) {
  auto it = s.sampling.results.find(e.result_id);
  if (it != s.sampling.results.end()) it->second.status = SamplingStatus::kWithdrawn;
}

}  // namespace agritrace::core
