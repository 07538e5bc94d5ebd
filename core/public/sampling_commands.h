// Commands of the sampling inspection publication (R-4.4.S); rules in core/public/sampling_rules.h.
// All are commands of the platform tenant (core::kPlatformTenant); the API has checked that the
// caller may publish (api/http/route_policy.cpp: kRegulatorOrPlatform, publish_sampling).
#pragma once

#include <string>
#include <vector>

#include "core/public/sampling_events.h"

namespace agritrace::core {

// One result (single entry) or every row of a CSV import: all recorded, or none.
struct RecordSamplingResults {
  std::vector<SamplingRecord> records;
  bool finalise = false;  // publish at once (one sampling_result.finalised per record)
};

struct FinaliseSamplingResult {
  std::string result_id;
};

struct CorrectSamplingResult {
  std::string result_id;
  SamplingRecord record;
  std::string reason;
};

struct WithdrawSamplingResult {
  std::string result_id;
  std::string reason;
};

}  // namespace agritrace::core
