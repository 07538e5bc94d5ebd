// The scan log (issue 12, R-4.4.1): every consumer scan of a trace code, kept apart from the
// ledger. Scans are high-volume observations, not business facts: they go into their own
// append-only RocksDB (<data>/scans), written by one background thread in group commits (one
// WriteBatch, one WAL sync per batch), fed by a bounded in-memory queue. A full queue drops the
// scan and counts it (agritrace_scans_dropped_total) instead of slowing the page or the command
// writer down. docs/PUBLIC.md explains the choice.
//
// Keys (text, sorted): c/<serial>/<scan_id>        a scan of a code (and c/<serial>/<scan_id>/loc,
//                                                   the coarse location the browser sent later)
//                      u/<consumer_id>/<scan_id>   the consumer's own history
//                      a/<tenant>/<serial>         the latest counterfeit alert of a code
//                      p/<consumer_id>             the consumer's verified phone (masked + hash)
//                      s/<serial>                  the code's scan summary (core::ScanSummary),
//                                                   written in the same WriteBatch as its scans
// A scan page reads the summary, not the code's scans: the writer thread folds each batch into
// the stored summaries, and an in-memory live summary per code (stored + queued scans) answers
// the pages, O(1) in the number of scans.
// scan_id = 13-digit Unix ms + "-" + 8 random hex: sorted by time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "core/public/scan_signals.h"

namespace rocksdb {
class DB;
}

namespace agritrace::api {

struct ScanRecord {
  std::string scan_id;
  int64_t at_ms = 0;
  std::string consumer_id;
  std::string serial, gtin, lot, product;
  std::string tenant, batch_id;  // the code's owner (producer) and batch
  std::optional<core::CoarseLocation> location;
  std::string city;
  bool location_only = false;  // a later location of scan `scan_id`
};

struct ScanLogOptions {
  size_t queue_capacity = 65'536;
  size_t max_batch = 4'096;
  bool sync = true;  // one fsync per group commit
  // The writer thread lowers its CPU priority by this much (Linux nice, per thread): under load
  // the commands' threads go first; a scan waits in the queue instead (bounded, then dropped).
  int32_t nice = 10;
  core::ScanThresholds thresholds = {};
};

struct ScanLogStats {
  int64_t enqueued = 0, written = 0, dropped = 0, batches = 0, queued = 0;
};

class ScanLog {
 public:
  // Where a code's unit was sold to a consumer (the alert rule "after sold elsewhere").
  using SoldLookup = std::function<std::optional<core::SoldAt>(const std::string& serial)>;

  static Result<std::unique_ptr<ScanLog>> open(Env& env, const std::string& dir,
                                               ScanLogOptions options = {});
  ~ScanLog();  // writes what is queued, then stops
  ScanLog(const ScanLog&) = delete;
  ScanLog& operator=(const ScanLog&) = delete;

  void set_sold_lookup(SoldLookup fn);
  // A new scan id ("" when the Env's CSPRNG fails).
  std::string new_scan_id(int64_t at_ms);
  // Queues a record; false (counted as dropped) when the queue is full. Never blocks on I/O.
  bool record(ScanRecord r);
  // Waits (bounded) until everything queued before the call is written; false on timeout.
  bool wait_written(int32_t timeout_ms);

  // Queues a scan (as record()) and answers the code's signals including it and every scan queued
  // before; a dropped scan (queue full) is left out. O(1) in the number of the code's scans.
  core::ScanSignals record_scan(ScanRecord r, const std::optional<core::SoldAt>& sold);
  // The code's signals from its live summary (written and queued scans).
  core::ScanSignals code_signals(const std::string& serial,
                                 const std::optional<core::SoldAt>& sold) const;
  // The code's live summary (written and queued scans).
  core::ScanSummary summary(const std::string& serial) const;
  // The summary as stored (written scans only); rebuilt from the scans for a log written before
  // summaries existed.
  core::ScanSummary stored_summary(const std::string& serial) const;

  // The scans of a code, written so far (locations merged in).
  std::vector<ScanRecord> code_scans(const std::string& serial) const;
  // The consumer's own scans, newest first (at most `limit`).
  std::vector<ScanRecord> consumer_scans(const std::string& consumer_id, size_t limit) const;
  // Alerts as JSON objects: of one tenant's codes, or of every tenant ("" tenant).
  std::vector<std::string> alerts(const std::string& tenant) const;
  // Every enterprise's alerts whose owner `visible` admits (regulators, api/regulator/visibility.h).
  std::vector<std::string> alerts_of(const std::function<bool(std::string_view)>& visible) const;
  // The consumer's verified phone ("138****1234"), "" when none.
  std::string phone_of(const std::string& consumer_id) const;
  Status set_phone(const std::string& consumer_id, const std::string& masked,
                   const std::string& sha256);

  ScanLogStats stats() const;

 private:
  ScanLog(Env& env, std::unique_ptr<rocksdb::DB> db, ScanLogOptions options);
  void run();
  bool write_batch(std::vector<ScanRecord>& batch);  // false: the batch was lost
  std::vector<ScanRecord> written_scans(const std::string& serial) const;
  // The live summary of `serial` (mu_ held by `lock`; may release it to read the stored one).
  struct Live {
    core::ScanSummary summary;
    int64_t pending = 0;  // queued scans of the code not written yet
  };
  Live& live_locked(std::unique_lock<std::mutex>& lock, const std::string& serial) const;
  bool enqueue_locked(std::unique_lock<std::mutex>& lock, ScanRecord& r, Live** live);

  Env& env_;
  std::unique_ptr<rocksdb::DB> db_;
  ScanLogOptions options_;
  SoldLookup sold_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // work or stop
  std::condition_variable written_;  // progress
  std::deque<ScanRecord> queue_;
  bool stop_ = false;
  int64_t enqueued_ = 0, written_count_ = 0, dropped_ = 0, batches_ = 0;
  // Live summaries: stored + queued scans. A code with queued scans is never evicted; one without
  // equals its stored summary. persisted_ counts the writer's commits (a stored summary read
  // without the lock is current only if no commit happened meanwhile).
  mutable std::unordered_map<std::string, Live> live_;
  uint64_t persisted_ = 0;
  std::thread thread_;
};

// The anonymous consumer id of a first-party cookie value: 32 lower-case hex characters.
bool valid_consumer_id(std::string_view id);

}  // namespace agritrace::api
