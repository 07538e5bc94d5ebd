// Rules of the sampling inspection publication (R-4.4.S).
#pragma once

#include <string_view>
#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

inline constexpr size_t kMaxSamplingRecordsPerCommand = 2000;  // a CSV import's rows
inline constexpr size_t kMaxSamplingFailingItems = 20;
inline constexpr size_t kMaxSamplingShortText = 128;  // numbers, values, classes, specification

// The values of one record alone (no state): every problem as a 422 with a stable reason and the
// field (the JSON key, which is also the CSV column name; failing items as failing_items[i].item).
// Reasons: <field>_missing, <field>_too_long, sample_number_invalid, announcement_date_in_future,
// production_date_in_future, production_date_after_announcement, lot_code_invalid,
// producer_uscc_* (core/base/identifiers.h), result_invalid, failing_items_missing (不合格 without
// an item), failing_items_unexpected (合格 with items), failing_items_too_many.
Status validate_sampling_record(const SamplingRecord& r, Date today);

// A sample is matched to batches of the producer with this USCC whose lot code (or, when the
// result names no lot code, whose production date) is the result's: the match keys of a result
// and of a batch ("lot:<lot code>", "date:<YYYY-MM-DD>"); empty when it cannot match.
std::vector<std::string> sampling_match_keys(const SamplingRecord& r);
std::vector<std::string> batch_match_keys(std::string_view lot_code, Date production_date);

Result<std::vector<Event>> decide(const TenantState& state, const RecordSamplingResults& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const FinaliseSamplingResult& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CorrectSamplingResult& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const WithdrawSamplingResult& c,
                                  const Context& ctx);
void evolve(TenantState& state, const SamplingResultRecorded& e);
void evolve(TenantState& state, const SamplingResultFinalised& e);
void evolve(TenantState& state, const SamplingResultCorrected& e);
void evolve(TenantState& state, const SamplingResultWithdrawn& e);

}  // namespace agritrace::core
