// The print-job rules: trace codes issued to a production line's coder or label printer.
// Pure: no I/O, no clock. decide(state, command) -> events, evolve(state, event) -> state, over
// plain structs, so that the events can be appended to the ledger and refolded after a crash.
//
// A job's life: queued -> sending <-> paused -> done | failed | cancelled.
// A code's life: issued -> sent -> printed (only on the device's acknowledgement)
//                issued | sent -> voided (never after printed; a sent code only while the job is
//                not sending, i.e. after the runner has cleared the device's buffer).
// Invariants (check_history): a code is printed at most once; a code is printed only after it was
// sent; printed ∩ voided = ∅; when a job is closed (terminal and nothing left in doubt),
// printed ∪ voided = issued.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core::devices {

enum class JobStatus : uint8_t { kNone, kQueued, kSending, kPaused, kDone, kFailed, kCancelled };
enum class CodeState : uint8_t { kIssued, kSent, kPrinted, kVoided };

const char* job_status_name(JobStatus status);
bool is_terminal(JobStatus status);

// ---- events (every one names its job, so a ledger partition can hold many jobs) ----
struct PrintJobQueued {
  std::string job_id;
  std::string line_id;
  std::vector<std::string> codes;  // in print order; distinct
};
struct CodesSent {
  std::string job_id;
  std::vector<std::string> codes;
};
struct CodePrinted {
  std::string job_id;
  std::string code;
};
struct CodesVoided {
  std::string job_id;
  std::vector<std::string> codes;
  std::string reason;  // e.g. "in_doubt_after_disconnect", "job_failed", "device_rejected"
};
struct JobPaused {
  std::string job_id;
  std::string reason;  // "operator", "paper_out", "connection_lost", ...
};
struct JobResumed {
  std::string job_id;
};
struct JobFailed {
  std::string job_id;
  std::string reason;
};
struct JobCancelled {
  std::string job_id;
  std::string reason;
};
struct JobDone {
  std::string job_id;
};
using PrintJobEvent = std::variant<PrintJobQueued, CodesSent, CodePrinted, CodesVoided, JobPaused,
                                   JobResumed, JobFailed, JobCancelled, JobDone>;

const std::string& event_job_id(const PrintJobEvent& event);
const char* event_name(const PrintJobEvent& event);

// ---- commands ----
struct QueueJob {
  std::string job_id;
  std::string line_id;
  std::vector<std::string> codes;
};
struct SendCodes {
  std::vector<std::string> codes;  // each must be issued (never sent)
};
struct AcknowledgePrinted {
  std::string code;  // the device's acknowledgement of one code
};
struct VoidCodes {
  std::vector<std::string> codes;
  std::string reason;
};
struct PauseJob {
  std::string reason;
};
struct ResumeJob {};
struct FailJob {
  std::string reason;
};
struct CancelJob {
  std::string reason;
};
using PrintJobCommand =
    std::variant<QueueJob, SendCodes, AcknowledgePrinted, VoidCodes, PauseJob, ResumeJob, FailJob,
                 CancelJob>;

// ---- state ----
struct PrintJobState {
  std::string job_id;
  std::string line_id;
  JobStatus status = JobStatus::kNone;
  std::string reason;               // of the last pause, failure or cancellation
  std::vector<std::string> codes;   // issued, in print order
  std::unordered_map<std::string, CodeState> code_state;
  size_t sent = 0;     // currently sent and not yet printed or voided ("in doubt" after a crash)
  size_t printed = 0;
  size_t voided = 0;
  size_t next_unsent = 0;  // index in `codes` from which issued codes may remain

  size_t issued_count() const { return codes.size(); }
  size_t open_count() const { return codes.size() - printed - voided; }  // not printed/voided
  // Terminal and every code printed or voided.
  bool closed() const { return is_terminal(status) && open_count() == 0; }
};

// Codes in `state` that are still `wanted`, in print order.
std::vector<std::string> codes_in_state(const PrintJobState& state, CodeState wanted);
// Codes neither printed nor voided (what VoidCodes may take once the job is not sending).
std::vector<std::string> unprinted_codes(const PrintJobState& state);
// Up to `n` issued codes, in print order, from the first not yet sent.
std::vector<std::string> next_issued(const PrintJobState& state, size_t n);

// The rules. Errors: kNotFound job_not_found; kConflict job_exists, job_terminal, job_not_sending,
// job_not_paused, code_not_issued, already_printed, code_voided, code_not_sent,
// void_while_sending; kInvalidArgument job_empty, duplicate_code, unknown_code.
Result<std::vector<PrintJobEvent>> decide(const PrintJobState& state,
                                          const PrintJobCommand& command);
void evolve(PrintJobState& state, const PrintJobEvent& event);
PrintJobState fold(const std::vector<PrintJobEvent>& events);

// Checks the invariants over a job's whole event history (the events of one job, in order):
// every code printed at most once and only after it was sent, never both printed and voided, no
// code outside the issued set; and, when `require_closed`, that the job ended closed with
// printed ∪ voided = issued. kInternal `invariant_violated` with the first violation otherwise.
Status check_history(const std::vector<PrintJobEvent>& events, bool require_closed);

}  // namespace agritrace::core::devices
