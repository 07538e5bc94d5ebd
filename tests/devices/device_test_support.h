// Shared by the device tests: codes, an event recorder one can wait on, and the checks run after
// every fault (the rules' invariants over the recorded events plus the simulator's print log).
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/devices/print_job.h"
#include "devices/sim/sim_device.h"
#include "events/env/posix_env.h"

namespace agritrace::devices::testing {

namespace cd = core::devices;

inline std::vector<std::string> make_codes(const std::string& lot, size_t n) {
  std::vector<std::string> codes;
  for (size_t i = 0; i < n; ++i) {
    codes.push_back("https://id.example.cn/01/06901234567892/10/" + lot + "/21/S" +
                    std::to_string(100000 + i));
  }
  return codes;
}

// Collects the runner's events (the sink) and lets the test thread wait for one.
class Recorder {
 public:
  Recorder() = default;
  // With a device: every CodesVoided also notes how long the device's print log was then, so
  // check_job can prove no voided code was printed afterwards.
  explicit Recorder(const sim::SimDevice* device) : device_(device) {}
  void operator()(const cd::PrintJobEvent& e) {
    size_t log_size = device_ && std::holds_alternative<cd::CodesVoided>(e)
                          ? device_->printed().size()
                          : 0;
    std::lock_guard lock(mu_);
    if (const auto* v = std::get_if<cd::CodesVoided>(&e); v && device_) {
      for (const auto& code : v->codes) voided_at_[code] = log_size;
    }
    events_.push_back(e);
    if (std::holds_alternative<cd::CodePrinted>(e)) ++printed_;
    cv_.notify_all();
  }
  // code -> size of the device's print log when the code was voided (devices given only).
  std::map<std::string, size_t> voided_at() const {
    std::lock_guard lock(mu_);
    return voided_at_;
  }
  std::vector<cd::PrintJobEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  size_t printed() const {
    std::lock_guard lock(mu_);
    return printed_;
  }
  // Waits (condition variable; timeout only as a safety net) for an event matching `pred`.
  bool wait_for(const std::function<bool(const cd::PrintJobEvent&)>& pred, int timeout_ms = 10000) {
    std::unique_lock lock(mu_);
    size_t seen = 0;
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
      for (; seen < events_.size(); ++seen) {
        if (pred(events_[seen])) return true;
      }
      return false;
    });
  }
  bool wait_printed(size_t n, int timeout_ms = 10000) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return printed_ >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  const sim::SimDevice* device_ = nullptr;
  std::vector<cd::PrintJobEvent> events_;
  std::map<std::string, size_t> voided_at_;
  size_t printed_ = 0;
};

inline bool is_pause(const cd::PrintJobEvent& e, const std::string& reason) {
  const auto* p = std::get_if<cd::JobPaused>(&e);
  return p && p->reason == reason;
}

template <typename T>
size_t count_of(const std::vector<cd::PrintJobEvent>& events) {
  size_t n = 0;
  for (const auto& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
  return n;
}

// The invariants after a job: the rules' history check (closed: printed ∪ voided = issued,
// disjoint, printed once and only after sent), no code physically printed twice, every code the
// events call printed really printed, and every code physically printed but not acknowledged
// voided as in doubt (never as anything else, never left open) and printed before it was voided.
inline void check_job(const std::vector<cd::PrintJobEvent>& events, const sim::SimDevice& device,
                      const std::map<std::string, size_t>& voided_at = {}) {
  Status st = cd::check_history(events, /*require_closed=*/true);
  CHECK_MESSAGE(st.ok(), st.to_string());
  CHECK(device.max_prints_of_one_code() <= 1);
  auto physical = device.printed();
  std::set<std::string> on_paper(physical.begin(), physical.end());
  std::set<std::string> acked, in_doubt;
  for (const auto& e : events) {
    if (const auto* p = std::get_if<cd::CodePrinted>(&e)) acked.insert(p->code);
    if (const auto* v = std::get_if<cd::CodesVoided>(&e)) {
      if (v->reason == "in_doubt_after_disconnect" || v->reason == "job_cancelled" ||
          v->reason == "job_failed") {
        in_doubt.insert(v->codes.begin(), v->codes.end());
      }
    }
  }
  for (const auto& code : acked) CHECK_MESSAGE(on_paper.count(code) == 1, code);
  for (const auto& code : on_paper) {
    CHECK_MESSAGE((acked.count(code) == 1 || in_doubt.count(code) == 1), code);
  }
  for (size_t i = 0; i < physical.size(); ++i) {
    auto it = voided_at.find(physical[i]);
    if (it == voided_at.end()) continue;
    const std::string what = "printed after voided: " + physical[i];
    CHECK_MESSAGE(i < it->second, what);
  }
}

}  // namespace agritrace::devices::testing
