// Commands of the device layer; rules in core/devices/rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/devices/events.h"
#include "core/devices/print_job.h"

namespace agritrace::core {

struct RegisterLine {
  std::string name;
};

struct RegisterDevice {
  std::string line_id;
  std::string name;
  DeviceProtocol protocol = DeviceProtocol::kZpl;
  std::string host;
  int64_t port = 0;
  int64_t max_in_flight = 0;  // 0: the driver's default
};

// A job of codes for a line: a code run (or `limit` codes of it from `offset`), or listed codes.
struct QueuePrintJob {
  std::string line_id;
  std::string run_id;
  int64_t offset = 0;
  std::optional<int64_t> limit;
  std::vector<std::string> codes;
};

// What the job runner of a line reports (devices/job_runner.h): print-job rule events of one job,
// in order, checked against the job's folded state by the same rules the runner used. Consecutive
// acknowledgements become one print_job.codes_printed event.
struct RecordPrintJobProgress {
  std::string job_id;
  std::vector<devices::PrintJobEvent> events;
};

}  // namespace agritrace::core
