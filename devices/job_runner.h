// Runs one print job on one device: sends codes with back-pressure, turns the driver's
// acknowledgements into the rule events (core/devices/print_job.h), pauses on device faults and
// lost connections, reconnects with back-off, voids what is in doubt, and hands every event to a
// callback (the ledger integration appends them). A runner fed the events of a crashed one
// (resume) continues from the folded state: codes that were sent but not acknowledged are in
// doubt; the reconnection clears the device buffer and voids them, so no code prints twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/devices/print_job.h"
#include "core/base/env.h"
#include "devices/driver.h"

namespace agritrace::devices {

struct RunnerOptions {
  size_t max_batch = 64;        // codes per write
  int poll_timeout_ms = 50;
  int reconnect_initial_ms = 10;
  int reconnect_max_ms = 2000;
  int reconnect_give_up_ms = 30'000;  // then the job fails (device_unreachable)
  int fault_give_up_ms = 600'000;     // paused on a device fault this long: the job fails
  bool void_unprinted_at_end = true;  // a failed or cancelled job voids what was not printed
};

struct RunnerStats {
  uint64_t reconnects = 0;  // connections made, the first one included
  uint64_t duplicate_acks = 0;  // acknowledgements the rules refused (already printed / voided)
  uint64_t in_doubt_voided = 0;
  uint64_t rejected = 0;
  int64_t last_recovery_ns = 0;  // connection lost -> connected again and sending
};

using EventSink = std::function<void(const core::devices::PrintJobEvent&)>;

class JobRunner {
 public:
  JobRunner(Env& env, PrintDriver& driver, EventSink sink, RunnerOptions options = {});

  // A new job (emits PrintJobQueued), or the events of an earlier runner of the same job.
  Status start(const core::devices::QueueJob& job);
  Status resume(const std::vector<core::devices::PrintJobEvent>& history);
  // The same from the job's folded state (the server folds the ledger's job events itself).
  Status resume_from(core::devices::PrintJobState state);

  // Runs until the job is closed (terminal, every code printed or voided) or stop() is called.
  Status run();

  // Thread-safe requests, served by run().
  void request_pause() { pause_requested_ = true; }
  void request_resume() { resume_requested_ = true; }
  void request_cancel() { cancel_requested_ = true; }
  // Ends run() at once without another event: what a crash looks like to the ledger.
  void stop() { stop_requested_ = true; }
  // Called after each acknowledgement group (one poll of the device) and when run() returns: a
  // sink that batches acknowledgements appends them here (the ledger integration does).
  void set_flush(std::function<void()> flush) { flush_ = std::move(flush); }

  const core::devices::PrintJobState& state() const { return state_; }
  const RunnerStats& stats() const { return stats_; }

 private:
  Status run_loop();
  Status apply(const core::devices::PrintJobCommand& command);
  Status ensure_connected();
  Status void_unprinted(const std::string& reason);
  Status end(bool failed, const std::string& reason);
  Status apply_progress(const DriverProgress& progress);

  Env& env_;
  PrintDriver& driver_;
  EventSink sink_;
  std::function<void()> flush_;
  RunnerOptions options_;
  core::devices::PrintJobState state_;
  RunnerStats stats_;
  int64_t fault_since_ns_ = 0;
  int64_t lost_at_ns_ = 0;
  bool ever_connected_ = false;
  std::atomic<bool> pause_requested_{false};
  std::atomic<bool> resume_requested_{false};
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace agritrace::devices
