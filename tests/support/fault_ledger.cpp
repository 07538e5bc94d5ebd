#include "tests/support/fault_ledger.h"

#include <algorithm>
#include <utility>

#include <doctest/doctest.h>

#include "core/base/civil_time.h"
#include "events/env/posix_env.h"

namespace agritrace::testing {

class FaultLedger::Reader final : public events::LedgerReader {
 public:
  Reader(FaultLedger& owner, std::unique_ptr<events::LedgerReader> inner)
      : owner_(owner), inner_(std::move(inner)) {}

  Result<events::PollResult> poll(int32_t timeout_ms, size_t max_events) override {
    size_t cap = max_events;
    {
      std::lock_guard lock(owner_.mu_);
      if (owner_.fail_poll_) {
        if (owner_.fail_poll_after_ == 0) {
          Error e = std::move(*owner_.fail_poll_);
          owner_.fail_poll_.reset();
          return e;
        }
        --owner_.fail_poll_after_;
      }
      if (owner_.cap_ != 0) cap = std::min(cap, owner_.cap_);
    }
    auto polled = inner_->poll(timeout_ms, cap);
    if (!polled.ok()) return polled;
    std::unique_lock lock(owner_.mu_);
    if (polled->events.empty() && owner_.hold_idle_) {
      ++owner_.idle_blocked_total_;
      owner_.cv_.notify_all();
      owner_.cv_.wait(lock, [&] { return !owner_.hold_idle_; });
    }
    if (owner_.drop_) {
      auto& evs = polled->events;
      size_t keep = owner_.drop_->after;
      size_t left = owner_.drop_->count;
      bool hit = false;
      for (auto it = evs.begin(); it != evs.end() && left > 0;) {
        if (it->position.partition != owner_.drop_->partition) {
          ++it;
        } else if (keep > 0) {
          --keep;
          ++it;
        } else {
          it = evs.erase(it);
          --left;
          hit = true;
        }
      }
      if (hit) owner_.drop_.reset();
    }
    return polled;
  }

 private:
  FaultLedger& owner_;
  std::unique_ptr<events::LedgerReader> inner_;
};

void FaultLedger::fail_next_append(Error error) {
  std::lock_guard lock(mu_);
  fail_append_ = std::move(error);
}

void FaultLedger::durable_then_fail_next_append(Error error) {
  std::lock_guard lock(mu_);
  durable_fail_append_ = std::move(error);
}

void FaultLedger::hold_appends() {
  std::lock_guard lock(mu_);
  hold_ = true;
}

void FaultLedger::release_appends() {
  {
    std::lock_guard lock(mu_);
    hold_ = false;
  }
  cv_.notify_all();
}

void FaultLedger::wait_until_appends_blocked(size_t count) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return blocked_total_ >= count; });
}

size_t FaultLedger::append_calls() const {
  std::lock_guard lock(mu_);
  return append_calls_;
}

void FaultLedger::fail_poll(Error error, size_t after) {
  std::lock_guard lock(mu_);
  fail_poll_ = std::move(error);
  fail_poll_after_ = after;
}

void FaultLedger::drop_on_next_poll(int32_t partition, size_t after, size_t count) {
  std::lock_guard lock(mu_);
  drop_ = Drop{partition, after, count};
}

void FaultLedger::cap_poll(size_t max_events) {
  std::lock_guard lock(mu_);
  cap_ = max_events;
}

void FaultLedger::hold_idle_polls() {
  std::lock_guard lock(mu_);
  hold_idle_ = true;
}

void FaultLedger::release_idle_polls() {
  std::lock_guard lock(mu_);
  hold_idle_ = false;
  cv_.notify_all();
}

void FaultLedger::wait_until_idle_polls_blocked(size_t count) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return idle_blocked_total_ >= count; });
}

Status FaultLedger::append(const std::vector<events::Envelope>& events,
                           std::vector<events::Position>* positions) {
  std::optional<Error> fail;
  std::optional<Error> durable_fail;
  {
    std::unique_lock lock(mu_);
    ++append_calls_;
    fail = std::exchange(fail_append_, std::nullopt);
    durable_fail = std::exchange(durable_fail_append_, std::nullopt);
    if (hold_) {
      ++blocked_total_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_; });
    }
  }
  if (fail) return *fail;
  Status s = inner_.append(events, positions);
  if (!s.ok()) return s;
  if (durable_fail) return *durable_fail;
  return s;
}

Result<std::unique_ptr<events::LedgerReader>> FaultLedger::open_reader(
    const std::vector<int64_t>& next_offsets) {
  auto inner = inner_.open_reader(next_offsets);
  if (!inner.ok()) return inner.status();
  return std::unique_ptr<events::LedgerReader>(std::make_unique<Reader>(*this, std::move(inner).value()));
}

FaultLedgerRig::FaultLedgerRig(uint64_t seed) : env(events::posix_env()) {
  env.set_now_ms(*core::parse_rfc3339("2026-11-25T04:00:00.000Z", "t"));
  env.seed_random(seed);
  events::LocalLedgerOptions lo;
  lo.path = dir.path() + "/ledger";
  lo.partitions = 2;
  auto l = events::open_local_ledger(lo);
  REQUIRE(l.ok());
  local = std::move(l).value();
  ledger = std::make_unique<FaultLedger>(*local);
}

std::unique_ptr<events::CommandWriter> FaultLedgerRig::start_writer(size_t max_queued) {
  events::CommandWriterOptions wo;
  wo.env = &env;
  wo.max_queued_commands = max_queued;
  auto w = events::start_command_writer(*ledger, wo);
  REQUIRE(w.ok());
  return std::move(w).value();
}

}  // namespace agritrace::testing
