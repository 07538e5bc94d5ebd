// Test support: a Ledger that wraps a real one (a LocalLedger on RocksDB in a TempDir) and
// injects the faults a real backend can show, one at a time, at the test's command:
//  - an append that fails (nothing becomes durable: the contract's all-or-none);
//  - an append whose outcome is lost: the whole batch becomes durable, then the call reports an
//    error (a Kafka commit that succeeded but whose answer timed out). Under the atomic-batch
//    contract this is the only "partial" append a writer can see: durable, yet not acknowledged;
//  - a slow append, blocked until the test releases it (a latch; never a sleep);
//  - a reader poll that fails, and a reader gap: the next poll drops events of a partition, so
//    that positions jump over them;
//  - an idle poll held until the test releases it (a quiet ledger whose poll never times out).
// Thread-safe: the writer's and the runner's threads call it while the test arms faults.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "events/env/controlled_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {

class FaultLedger final : public events::Ledger {
 public:
  explicit FaultLedger(events::Ledger& inner) : inner_(inner) {}

  // Append faults; each is taken by the next append that starts after it is armed.
  void fail_next_append(Error error);                 // nothing durable, `error` returned
  void durable_then_fail_next_append(Error error);    // all durable, `error` returned
  // Slow appends: from now on each append waits (after taking its fault) until released.
  void hold_appends();
  void release_appends();                          // lets every waiting and later append through
  void wait_until_appends_blocked(size_t count);   // until `count` appends wait in total
  size_t append_calls() const;                     // appends started, failed ones included

  // Reader faults. The poll after `after` more successful polls (of any reader) fails.
  void fail_poll(Error error, size_t after = 0);
  // The next poll that returns events of `partition` drops `count` of them, after keeping the
  // first `after` (positions jump over the dropped ones).
  void drop_on_next_poll(int32_t partition, size_t after, size_t count);
  // Every reader returns at most this many events a poll (0: no cap).
  void cap_poll(size_t max_events);
  // Quiet ledger held: from now on a poll that finds nothing waits until released (a latch,
  // never a sleep), as a reader would whose poll timeout never ends.
  void hold_idle_polls();
  void release_idle_polls();
  void wait_until_idle_polls_blocked(size_t count);  // until `count` polls wait in total

  int32_t partition_count() const override { return inner_.partition_count(); }
  Status append(const std::vector<events::Envelope>& events,
                std::vector<events::Position>* positions) override;
  Result<std::unique_ptr<events::LedgerReader>> open_reader(
      const std::vector<int64_t>& next_offsets) override;
  Result<std::vector<int64_t>> end_offsets() override { return inner_.end_offsets(); }
  events::LedgerHealth health() const override { return inner_.health(); }
  std::string describe() const override { return "fault:" + inner_.describe(); }

 private:
  class Reader;
  struct Drop {
    int32_t partition = 0;
    size_t after = 0;
    size_t count = 0;
  };
  events::Ledger& inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Error> fail_append_;
  std::optional<Error> durable_fail_append_;
  bool hold_ = false;
  size_t blocked_total_ = 0;
  size_t append_calls_ = 0;
  std::optional<Error> fail_poll_;
  size_t fail_poll_after_ = 0;
  std::optional<Drop> drop_;
  size_t cap_ = 0;
  bool hold_idle_ = false;
  size_t idle_blocked_total_ = 0;
};

// What the writer and runner fault tests share: a real embedded ledger (2 partitions) in a fresh
// folder behind a FaultLedger, and a ControlledEnv pinned to 2026-11-25 12:00 in Shanghai with
// seeded randomness (the clock is an input here: nothing reads the wall clock).
struct FaultLedgerRig {
  explicit FaultLedgerRig(uint64_t seed);
  // The command writer on the FaultLedger and this rig's Env; its queue holds max_queued commands.
  std::unique_ptr<events::CommandWriter> start_writer(
      size_t max_queued = events::kDefaultMaxQueuedCommands);
  TempDir dir;
  events::ControlledEnv env;
  std::unique_ptr<events::Ledger> local;
  std::unique_ptr<FaultLedger> ledger;
};

}  // namespace agritrace::testing
