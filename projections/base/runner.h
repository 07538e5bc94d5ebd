// ProjectionRunner: follows the ledger and folds events into the ViewStore through every
// registered Projection, committing views and consumed positions in one WriteBatch.
// Also the read-your-writes gate: wait_for() completes once the views include a position.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/domain/event.h"
#include "events/ledger/ledger.h"
#include "projections/base/view_store.h"
#include "core/base/env.h"

namespace agritrace::events {
class PiiVault;  // events/pii/pii_vault.h
}  // namespace agritrace::events

namespace agritrace::projections {

// One read model. apply() must be deterministic: the same events give the same bytes. The runner
// decodes each event's payload once and hands the typed event to every projection.
class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual Status apply(const events::StoredEvent& event, const core::Event& payload,
                       ViewBatch& batch) = 0;
};

struct RunnerStatus {
  bool healthy = true;
  std::string detail;               // the error that stopped the runner, if any
  std::vector<int64_t> next_offsets;
  uint64_t events_applied = 0;      // since start
  bool caught_up = false;           // the last poll reached the end of every partition
};

class ProjectionRunner {
 public:
  // `env` (null: the POSIX Env) gives the monotonic clock of wait_for's deadlines.
  ProjectionRunner(events::Ledger& ledger, ViewStore& views,
                   std::vector<std::unique_ptr<Projection>> projections, Env* env = nullptr);
  ~ProjectionRunner();

  // Opens sealed personal data (issue 16) before the projections see it; call before start() or
  // catch_up(). Without a vault, sealed values reach the views as they are in the ledger.
  void set_pii(const events::PiiVault* vault);

  // Applies everything up to the ledger's current end on the calling thread; on_progress is
  // called after each committed batch with (events so far, next offsets). Used by replay.
  Status catch_up(const std::function<void(uint64_t, const std::vector<int64_t>&)>& on_progress = {});

  // catch_up commits a batch once it changes this many keys, and at the ledger's end (default
  // 32768: a key written by many events of a batch reaches RocksDB once); 1 commits after every
  // poll, as the background follower always does. Call before catch_up().
  void set_catch_up_commit_keys(size_t keys);

  // Follows the tail on a background thread.
  void start();
  void stop();

  // Calls done(true) once the views include `position`, or done(false) after timeout_ms.
  void wait_for(events::Position position, int32_t timeout_ms, std::function<void(bool)> done);
  bool reached(events::Position position) const;

  RunnerStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The position of the newest event of each non-empty partition as the ledger stands now (at
// most one per partition): what a reader that must see everything written before it started
// waits for with wait_for() when it knows no acknowledged positions of its own (after a
// restart). Reads the tail from `from` (the views' committed next offsets: what they already
// hold is not read again) with a fresh reader, up to the end offsets taken first: on Kafka those
// count transaction markers, so `end - 1` is not an event's position and the runner never
// "reaches" it. Gives up with kTimeout after timeout_ms (on `env`'s monotonic clock).
Result<std::vector<events::Position>> ledger_tail_positions(events::Ledger& ledger,
                                                            const std::vector<int64_t>& from,
                                                            int32_t timeout_ms, Env& env);

}  // namespace agritrace::projections
