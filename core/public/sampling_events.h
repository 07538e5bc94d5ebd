// Events of the sampling inspection publication (R-4.4.S): official sampling results (监督抽检)
// published by regulators with the columns of the public notices. They are stored under the
// platform tenant (core::kPlatformTenant, "platform"), like the platform's base catalogue: a result
// belongs to no enterprise, and the nominal producer named in it may not even be registered.
// Life cycle: recorded (draft) -> finalised (public) ; corrected (full new values, any time before
// withdrawal) ; withdrawn (no longer public). Only final results are public.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/describe.h"

namespace agritrace::core {

inline constexpr std::string_view kSamplingPassed = "合格";
inline constexpr std::string_view kSamplingFailed = "不合格";

// One failing test item of a result: 不合格项目 ║ 检验结果 ║ 标准值.
struct SamplingFailingItem {
  std::string item;            // e.g. "腐霉利"
  std::string measured_value;  // e.g. "0.52mg/kg"
  std::string standard_value;  // e.g. "≤0.2mg/kg"
  bool operator==(const SamplingFailingItem&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("item", &SamplingFailingItem::item),
      describe::field("measured_value", &SamplingFailingItem::measured_value),
      describe::field("standard_value", &SamplingFailingItem::standard_value));
};

// The columns of a public sampling notice (one row = one sample).
struct SamplingRecord {
  std::string sample_number;        // 抽样编号: unique over all results
  std::string announcement_number;  // 公告号 (e.g. "2026年第12期")
  Date announcement_date;           // 公告日期
  std::string sampled_unit_name;    // 被抽样单位名称
  std::string sampled_unit_region;  // 被抽样单位所在省份/地区
  std::string producer_name;        // 标称生产企业名称
  std::string producer_uscc;        // its unified social credit code, "" when the notice has none
  std::string producer_region;      // 标称生产企业地址/地区
  std::string food_name;            // 食品名称
  std::string specification;        // 规格型号
  std::optional<Date> production_date;  // 生产日期
  std::string lot_code;                 // 批号 (as printed on the goods, GS1 AI 10)
  std::string result;                   // 合格 | 不合格
  std::vector<SamplingFailingItem> failing_items;  // empty when it passed
  std::string category;             // 食品大类
  std::string subcategory;          // 食品细类
  std::string task_source;          // 任务来源
  std::string testing_institution;  // 检验机构
  bool failed() const { return result == kSamplingFailed; }
  bool operator==(const SamplingRecord&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("sample_number", &SamplingRecord::sample_number),
      describe::field("announcement_number", &SamplingRecord::announcement_number),
      describe::field("announcement_date", &SamplingRecord::announcement_date),
      describe::field("sampled_unit_name", &SamplingRecord::sampled_unit_name),
      describe::field("sampled_unit_region", &SamplingRecord::sampled_unit_region),
      describe::field("producer_name", &SamplingRecord::producer_name),
      describe::field("producer_uscc", &SamplingRecord::producer_uscc),
      describe::field("producer_region", &SamplingRecord::producer_region),
      describe::field("food_name", &SamplingRecord::food_name),
      describe::field("specification", &SamplingRecord::specification),
      describe::field("production_date", &SamplingRecord::production_date, describe::kNullWhenAbsent),
      describe::field("lot_code", &SamplingRecord::lot_code),
      describe::field("result", &SamplingRecord::result),
      describe::field("failing_items", &SamplingRecord::failing_items),
      describe::field("category", &SamplingRecord::category),
      describe::field("subcategory", &SamplingRecord::subcategory),
      describe::field("task_source", &SamplingRecord::task_source),
      describe::field("testing_institution", &SamplingRecord::testing_institution));
};

// .S: a sampling result was entered (single entry or one row of a CSV import), as a draft.
struct SamplingResultRecorded {
  static constexpr std::string_view kType = "sampling_result.recorded";
  std::string result_id;  // "sr-N"
  SamplingRecord record;
  bool operator==(const SamplingResultRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("result_id", &SamplingResultRecorded::result_id),
      describe::field("record", &SamplingResultRecorded::record));
};

// .S: the result is final, hence public (and matched to the producer's batches).
struct SamplingResultFinalised {
  static constexpr std::string_view kType = "sampling_result.finalised";
  std::string result_id;
  bool operator==(const SamplingResultFinalised&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("result_id", &SamplingResultFinalised::result_id));
};

// .S: full new values of a result (a draft, or a published result corrected), with why.
struct SamplingResultCorrected {
  static constexpr std::string_view kType = "sampling_result.corrected";
  std::string result_id;
  SamplingRecord record;
  std::string reason;
  bool operator==(const SamplingResultCorrected&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("result_id", &SamplingResultCorrected::result_id),
      describe::field("record", &SamplingResultCorrected::record),
      describe::field("reason", &SamplingResultCorrected::reason));
};

// .S: the result is withdrawn: no longer public, its batch links and alerts are closed.
struct SamplingResultWithdrawn {
  static constexpr std::string_view kType = "sampling_result.withdrawn";
  std::string result_id;
  std::string reason;
  bool operator==(const SamplingResultWithdrawn&) const = default;
  static constexpr auto kFields =
      std::make_tuple(describe::field("result_id", &SamplingResultWithdrawn::result_id),
                      describe::field("reason", &SamplingResultWithdrawn::reason));
};

}  // namespace agritrace::core
