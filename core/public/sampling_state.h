// The write model of the sampling inspection publication (R-4.4.S), platform tenant only: the
// results' states and the sample numbers in use.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace agritrace::core {

enum class SamplingStatus { kDraft, kFinal, kWithdrawn };

struct SamplingEntry {
  SamplingStatus status = SamplingStatus::kDraft;
  std::string sample_number;
};

struct SamplingState {
  int64_t last_result = 0;                                          // "sr-N" counter
  std::map<std::string, SamplingEntry, std::less<>> results;        // sr-N -> entry
  std::map<std::string, std::string, std::less<>> by_sample_number;  // sample number -> sr-N
};

}  // namespace agritrace::core
