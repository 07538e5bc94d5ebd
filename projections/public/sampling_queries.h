// Queries of the sampling inspection publication (R-4.4.S): the public list of final results with
// filters, one result (publishers see drafts too), the results linked to a batch (the scan page's
// slot, projections/public/sampling_slot.h) and the alerts of failing results matched to batches,
// each with where the batch went (the whereabouts answer of projections/sales/queries.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "core/public/sampling_events.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

// The stored columns (smpr/, a sampling_result.recorded payload) back to their struct.
std::optional<core::SamplingRecord> decode_sampling_record(std::string_view payload);
// Sorts newest date first: 99999999 - YYYYMMDD, 8 digits.
std::string inverted_date_key(core::Date d);

struct SamplingFilter {
  std::string food_name;               // substring of the food name
  std::string producer;                // substring of the producer's name, or its exact USCC
  std::string result;                  // "" | 合格 | 不合格
  std::optional<core::Date> from, to;  // announcement date, inclusive
  std::string region;                  // substring of the sampled unit's or the producer's region
};

class SamplingQueries {
 public:
  explicit SamplingQueries(const ViewStore& views) : views_(views) {}

  // Final results, newest announcement first: {"items":[...],"next_after":result_id|null}.
  Result<std::string> public_list(const SamplingFilter& f, const Page& page) const;
  // One result. `publisher`: any status (with status and dates); otherwise final only (404).
  Result<std::string> result(std::string_view result_id, bool publisher) const;
  // The alerts of a producer (tenant), or of every producer (tenant empty: regulators), newest
  // result first: {"items":[{alert_id, tenant, batch_id, published_at, result,
  // whereabouts}],"next_after"}.
  // `visible` (regulators, issue 13): only producers it admits; empty: every producer.
  Result<std::string> alerts(std::string_view tenant, const Page& page,
                             const std::function<bool(std::string_view)>& visible = {}) const;

 private:
  const ViewStore& views_;
};

// The public JSON of a result (the columns, failing items also flattened as failing_item /
// measured_value / standard_value joined with "；").
void write_sampling_record(JsonWriter& w, std::string_view result_id,
                           const core::SamplingRecord& r);

}  // namespace agritrace::projections
