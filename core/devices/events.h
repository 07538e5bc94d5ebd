// Events of the device layer in the ledger: production lines, the coders and label
// printers on them, and print jobs. The job events mirror the pure print-job rules
// (core/devices/print_job.h): the single writer folds them into the tenant's state through
// core/devices/rules.h, so after a crash of the server the job is refolded from the ledger.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/base/describe.h"
#include "core/base/status.h"

namespace agritrace::core {

enum class DeviceProtocol : uint8_t { kZpl, kCoder };
std::string_view device_protocol_name(DeviceProtocol p);  // "zpl" | "coder"
Result<DeviceProtocol> parse_device_protocol(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<DeviceProtocol>
    : describe::EnumTextOf<DeviceProtocol, device_protocol_name, parse_device_protocol> {};

struct LineRegistered {
  static constexpr std::string_view kType = "line.registered";
  std::string line_id;  // "ln-N"
  std::string name;
  bool operator==(const LineRegistered&) const = default;
  static constexpr auto kFields = std::make_tuple(describe::field("line_id", &LineRegistered::line_id),
                                                  describe::field("name", &LineRegistered::name));
};

struct DeviceRegistered {
  static constexpr std::string_view kType = "device.registered";
  std::string device_id;  // "dev-N"
  std::string line_id;
  std::string name;
  DeviceProtocol protocol = DeviceProtocol::kZpl;
  std::string host;
  int64_t port = 0;
  int64_t max_in_flight = 0;
  bool operator==(const DeviceRegistered&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("device_id", &DeviceRegistered::device_id),
      describe::field("line_id", &DeviceRegistered::line_id),
      describe::field("name", &DeviceRegistered::name),
      describe::field("protocol", &DeviceRegistered::protocol),
      describe::field("host", &DeviceRegistered::host),
      describe::field("port", &DeviceRegistered::port),
      describe::field("max_in_flight", &DeviceRegistered::max_in_flight));
};

struct PrintJobQueued {
  static constexpr std::string_view kType = "print_job.queued";
  std::string job_id;  // "pj-N"
  std::string line_id;
  std::string device_id;
  std::string run_id;               // the run the codes come from ("" when listed by hand)
  std::vector<std::string> codes;  // in print order
  bool operator==(const PrintJobQueued&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("job_id", &PrintJobQueued::job_id),
      describe::field("line_id", &PrintJobQueued::line_id),
      describe::field("device_id", &PrintJobQueued::device_id),
      describe::field("run_id", &PrintJobQueued::run_id),
      describe::field("codes", &PrintJobQueued::codes));
};

// Codes written to the device (not printed: only its acknowledgement prints a code).
struct PrintJobCodesSent {
  static constexpr std::string_view kType = "print_job.codes_sent";
  std::string job_id;
  std::vector<std::string> codes;
  bool operator==(const PrintJobCodesSent&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("job_id", &PrintJobCodesSent::job_id),
      describe::field("codes", &PrintJobCodesSent::codes));
};

// Codes the device acknowledged as printed, one event per acknowledgement group.
struct PrintJobCodesPrinted {
  static constexpr std::string_view kType = "print_job.codes_printed";
  std::string job_id;
  std::vector<std::string> codes;
  bool operator==(const PrintJobCodesPrinted&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("job_id", &PrintJobCodesPrinted::job_id),
      describe::field("codes", &PrintJobCodesPrinted::codes));
};

struct PrintJobCodesVoided {
  static constexpr std::string_view kType = "print_job.codes_voided";
  std::string job_id;
  std::vector<std::string> codes;
  std::string reason;
  bool operator==(const PrintJobCodesVoided&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("job_id", &PrintJobCodesVoided::job_id),
      describe::field("codes", &PrintJobCodesVoided::codes),
      describe::field("reason", &PrintJobCodesVoided::reason));
};

// Pause, resume, failure, cancellation and completion: one event type per transition.
#define AGRITRACE_JOB_TRANSITION(Name, type)                                                  \
  struct Name {                                                                               \
    static constexpr std::string_view kType = type;                                           \
    std::string job_id;                                                                       \
    std::string reason;                                                                       \
    bool operator==(const Name&) const = default;                                             \
    static constexpr auto kFields = std::make_tuple(describe::field("job_id", &Name::job_id), \
                                                    describe::field("reason", &Name::reason)); \
  };
AGRITRACE_JOB_TRANSITION(PrintJobPaused, "print_job.paused")
AGRITRACE_JOB_TRANSITION(PrintJobResumed, "print_job.resumed")
AGRITRACE_JOB_TRANSITION(PrintJobFailed, "print_job.failed")
AGRITRACE_JOB_TRANSITION(PrintJobCancelled, "print_job.cancelled")
AGRITRACE_JOB_TRANSITION(PrintJobDone, "print_job.done")
#undef AGRITRACE_JOB_TRANSITION

}  // namespace agritrace::core
