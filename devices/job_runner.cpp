#include "devices/job_runner.h"

#include <algorithm>
#include <utility>

namespace agritrace::devices {

namespace cd = core::devices;

namespace {
constexpr const char* kConnectionLost = "connection_lost";
constexpr const char* kOperator = "operator";
}  // namespace

JobRunner::JobRunner(Env& env, PrintDriver& driver, EventSink sink, RunnerOptions options)
    : env_(env), driver_(driver), sink_(std::move(sink)), options_(options) {}

Status JobRunner::apply(const cd::PrintJobCommand& command) {
  auto events = cd::decide(state_, command);
  if (!events.ok()) return events.status();
  for (const auto& e : *events) {
    cd::evolve(state_, e);
    if (sink_) sink_(e);
  }
  // A sink that could not record the events stops the runner: nothing more reaches the device.
  if (stop_requested_) return make_error(ErrorCode::kUnavailable, "runner_stopped", "the job runner was stopped");
  return Status::Ok();
}

Status JobRunner::start(const cd::QueueJob& job) { return apply(job); }

Status JobRunner::resume(const std::vector<cd::PrintJobEvent>& history) {
  return resume_from(cd::fold(history));
}

Status JobRunner::resume_from(cd::PrintJobState state) {
  state_ = std::move(state);
  if (state_.status == cd::JobStatus::kNone) {
    return make_error(ErrorCode::kNotFound, "job_not_found", "no PrintJobQueued in the history");
  }
  fault_since_ns_ = env_.monotonic_ns();  // a fault pause carried over counts from now
  // Whatever the old runner had sent and not seen acknowledged is in doubt; the connection made
  // by run() clears the device and voids it.
  if (state_.sent > 0 && state_.status == cd::JobStatus::kSending) {
    if (Status st = apply(cd::PauseJob{kConnectionLost}); !st.ok()) return st;
    lost_at_ns_ = env_.monotonic_ns();
  }
  return Status::Ok();
}

Status JobRunner::void_unprinted(const std::string& reason) {
  auto open = cd::unprinted_codes(state_);
  if (open.empty()) return Status::Ok();
  return apply(cd::VoidCodes{std::move(open), reason});
}

Status JobRunner::end(bool failed, const std::string& reason) {
  if (driver_.connected()) {
    // In-flight codes must not print once voided: clear the device, record what it printed
    // before the clear took effect. If that fails the connection is gone; the next connect()
    // (of any job on this device) clears it before anything else.
    DriverProgress progress;
    (void)driver_.clear_device(progress);
    if (Status p = apply_progress(progress); !p.ok()) return p;
    if (cd::is_terminal(state_.status)) return Status::Ok();  // the last codes printed meanwhile
  }
  Status st = failed ? apply(cd::FailJob{reason}) : apply(cd::CancelJob{reason});
  if (!st.ok()) return st;
  return options_.void_unprinted_at_end ? void_unprinted(failed ? "job_failed" : "job_cancelled")
                                        : Status::Ok();
}

Status JobRunner::apply_progress(const DriverProgress& progress) {
  using cd::JobStatus;
  for (const auto& code : progress.printed) {
    Status st = apply(cd::AcknowledgePrinted{code});
    if (!st.ok()) ++stats_.duplicate_acks;  // already printed, or voided as in doubt
  }
  stats_.duplicate_acks += progress.duplicate_acks.size();
  if (progress.rejected.empty()) return Status::Ok();
  stats_.rejected += progress.rejected.size();
  bool was_sending = state_.status == JobStatus::kSending;
  if (was_sending) {
    if (Status st = apply(cd::PauseJob{"device_rejected"}); !st.ok()) return st;
  }
  if (Status st = apply(cd::VoidCodes{progress.rejected, "device_rejected"}); !st.ok()) return st;
  if (was_sending && state_.status == JobStatus::kPaused) return apply(cd::ResumeJob{});
  return Status::Ok();
}

Status JobRunner::ensure_connected() {
  if (driver_.connected()) return Status::Ok();
  // The first connection of a job is no loss; any later one is.
  if (ever_connected_ &&
      (state_.status == cd::JobStatus::kSending || state_.status == cd::JobStatus::kQueued)) {
    if (Status st = apply(cd::PauseJob{kConnectionLost}); !st.ok()) return st;
    lost_at_ns_ = env_.monotonic_ns();
  }
  int attempts = 0;
  Status st = connect_with_backoff(driver_, env_, options_.reconnect_initial_ms,
                                   options_.reconnect_max_ms, options_.reconnect_give_up_ms,
                                   &attempts);
  if (!st.ok()) return end(true, "device_unreachable");
  ever_connected_ = true;
  ++stats_.reconnects;
  // connect() cleared the device buffer: what was sent and not acknowledged is in doubt.
  auto in_doubt = cd::codes_in_state(state_, cd::CodeState::kSent);
  if (!in_doubt.empty()) {
    stats_.in_doubt_voided += in_doubt.size();
    if (Status v = apply(cd::VoidCodes{std::move(in_doubt), "in_doubt_after_disconnect"});
        !v.ok()) {
      return v;
    }
  }
  if (state_.status == cd::JobStatus::kPaused && state_.reason == kConnectionLost) {
    if (Status r = apply(cd::ResumeJob{}); !r.ok()) return r;
    if (lost_at_ns_ != 0) stats_.last_recovery_ns = env_.monotonic_ns() - lost_at_ns_;
    lost_at_ns_ = 0;
  }
  return Status::Ok();
}

Status JobRunner::run() {
  Status st = run_loop();
  if (flush_) flush_();
  return stop_requested_ ? Status::Ok() : st;
}

Status JobRunner::run_loop() {
  using cd::JobStatus;
  while (!state_.closed()) {
    if (stop_requested_) return Status::Ok();
    if (cd::is_terminal(state_.status)) {
      // Failed or cancelled by an earlier runner without voiding: finish that.
      return options_.void_unprinted_at_end ? void_unprinted("job_" + std::string(
                                                  cd::job_status_name(state_.status)))
                                            : Status::Ok();
    }
    if (cancel_requested_.exchange(false)) {
      if (Status st = end(false, kOperator); !st.ok()) return st;
      continue;
    }
    if (pause_requested_.exchange(false) &&
        (state_.status == JobStatus::kSending || state_.status == JobStatus::kQueued)) {
      if (Status st = apply(cd::PauseJob{kOperator}); !st.ok()) return st;
    }
    if (resume_requested_.exchange(false) && state_.status == JobStatus::kPaused &&
        state_.reason == kOperator) {
      if (Status st = apply(cd::ResumeJob{}); !st.ok()) return st;
    }
    if (Status st = ensure_connected(); !st.ok()) return st;
    if (cd::is_terminal(state_.status)) continue;

    // Send while the device has room.
    bool may_send = state_.status == JobStatus::kSending || state_.status == JobStatus::kQueued;
    if (may_send) {
      size_t room = std::min(driver_.capacity(), options_.max_batch);
      if (room > 0) {
        auto codes = cd::next_issued(state_, room);
        if (!codes.empty()) {
          if (Status st = apply(cd::SendCodes{codes}); !st.ok()) return st;
          if (!driver_.send(codes).ok()) continue;  // lost: reconnect, void in doubt
        }
      }
    }

    DriverProgress progress;
    Status polled = driver_.poll(options_.poll_timeout_ms, progress);
    if (Status st = apply_progress(progress); !st.ok()) return st;
    if (flush_) flush_();
    if (!polled.ok()) continue;  // connection lost: the next round reconnects
    if (state_.closed()) break;

    // Device faults pause the job; their end resumes it.
    std::string blocking = driver_.status().blocking_reason();
    bool paused_by_device = state_.status == JobStatus::kPaused && state_.reason != kOperator &&
                            state_.reason != kConnectionLost;
    if (!blocking.empty() && driver_.status().known &&
        (state_.status == JobStatus::kSending || state_.status == JobStatus::kQueued)) {
      if (Status st = apply(cd::PauseJob{blocking}); !st.ok()) return st;
      fault_since_ns_ = env_.monotonic_ns();
    } else if (paused_by_device && blocking.empty()) {
      if (Status st = apply(cd::ResumeJob{}); !st.ok()) return st;
    } else if (paused_by_device &&
               env_.monotonic_ns() - fault_since_ns_ >
                   int64_t{options_.fault_give_up_ms} * 1'000'000) {
      if (Status st = end(true, blocking); !st.ok()) return st;
    }
  }
  return Status::Ok();
}

}  // namespace agritrace::devices
