// ViewStore: the RocksDB database that holds every read model, plus the ledger positions the
// views have consumed. Views and positions change together in one WriteBatch, so after a crash
// the views resume exactly where their last committed batch ended (nothing lost, nothing doubled).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <atomic>

#include "core/base/status.h"

#include <unordered_map>
#include <utility>

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace agritrace::projections {

class ViewStore;

// The value of a counter whose sum left the int64 range (sticky: adding to it keeps it).
inline constexpr std::string_view kCounterOverflow = "overflow";

// Pending writes of one projection batch; reads see the batch's own writes first, then those of
// the batch the store is committing meanwhile (commit_async), then the database.
// Counters (add_int) are RocksDB merges: adding never reads the database.
// One thread uses a batch (the runner's apply thread); the store's commit thread only writes it
// to the database and marks it done, and the owner drops its contents at its next use.
class ViewBatch {
 public:
  explicit ViewBatch(ViewStore& store);
  ~ViewBatch();
  std::optional<std::string> get(std::string_view key) const;
  void put(std::string_view key, std::string_view value);
  void del(std::string_view key);
  int64_t get_int(std::string_view key) const;  // absent -> 0
  // A sum that leaves int64 is stored as kCounterOverflow, never as a wrapped number.
  void add_int(std::string_view key, int64_t delta);
  // Keys this batch changes.
  size_t pending() const;

 private:
  friend class ViewStore;
  void clear();
  // Drops what an asynchronous commit has written (owner thread, before any use).
  void settle() const;
  // The RocksDB batch of this batch's final writes: one Put or Delete per written key (a key
  // written many times in a batch reaches the memtable once), the merges of merged-only keys in
  // their order, then `positions` (key, value) pairs.
  void fill(rocksdb::WriteBatch& out,
            const std::vector<std::pair<std::string, std::string>>& positions) const;
  ViewStore& store_;
  // What this batch wrote, so that it reads its own writes: a value, or nullopt for a delete.
  mutable std::unordered_map<std::string, std::optional<std::string>> written_;
  // Keys this batch only merged into: the operands in order and their sum (counter text).
  struct Merges {
    std::string sum;
    std::vector<std::string> operands;
  };
  mutable std::unordered_map<std::string, Merges> added_;
  // Set by the commit thread once the batch is in the database: the maps are stale.
  mutable std::atomic<bool> done_{false};
};

class ViewStore {
 public:
  static Result<std::unique_ptr<ViewStore>> open(const std::string& path);
  ~ViewStore();

  std::optional<std::string> get(std::string_view key) const;
  // The values of several keys in one RocksDB MultiGet (one pass over the sorted keys instead of
  // a lookup per key), in the order of `keys`.
  std::vector<std::optional<std::string>> multi_get(const std::vector<std::string>& keys) const;
  // Calls fn(key, value) for keys starting with prefix, in key order, until fn returns false.
  void scan_prefix(std::string_view prefix,
                   const std::function<bool(std::string_view, std::string_view)>& fn) const;
  // Calls fn(key, value) for keys in [begin, end), in key order, until fn returns false (one Seek:
  // the key range of an index, e.g. a division's lines between two dates).
  void scan_range(std::string_view begin, std::string_view end,
                  const std::function<bool(std::string_view, std::string_view)>& fn) const;

  // The next ledger offset to consume per partition (empty when the views are new).
  std::vector<int64_t> positions() const;
  // Writes the batch and the new positions atomically.
  Status commit(ViewBatch& batch, const std::vector<int64_t>& next_offsets);
  // The same on the store's commit thread, so that the caller can build the next batch
  // meanwhile (a replay then uses both cores). One commit in flight at a time: this waits for
  // the previous one. done(status) runs on the commit thread; the batch must stay alive until
  // then. ViewBatch::get() waits for an in-flight commit before it reads the database.
  void commit_async(ViewBatch& batch, std::vector<int64_t> next_offsets,
                    std::function<void(Status)> done);
  void wait_idle();

  // Bulk load (a replay into new views): larger memtables and no compaction while it runs, so
  // that the replay's CPU goes to applying events. end_bulk_load() flushes the memtables and
  // restores the serving options (compaction resumes in RocksDB's background threads); after a
  // crash mid-replay the next open has the serving options (they are not persisted) and the
  // views resume from their positions.
  Status begin_bulk_load();
  Status end_bulk_load();

  // SHA-256 over every key and value, positions included: equal digests mean identical views.
  std::string digest() const;

  rocksdb::DB* db() const { return db_.get(); }
  // Unique per store opened in this process (never reused), for caches of values that never
  // change once written (an enterprise's registration).
  uint64_t instance_id() const { return instance_id_; }

 private:
  explicit ViewStore(std::unique_ptr<rocksdb::DB> db);
  friend class ViewBatch;
  // The batch being committed by commit_async, if any (read by ViewBatch::get of the next batch).
  std::atomic<const ViewBatch*> in_flight_{nullptr};
  // ViewBatch::get below the reader's own writes: the in-flight batch's, else the database's.
  std::optional<std::string> get_behind(const ViewBatch* reader, const std::string& key);
  uint64_t instance_id_;
  void commit_loop();
  std::unique_ptr<rocksdb::DB> db_;
  struct AsyncCommit;
  std::unique_ptr<AsyncCommit> async_;
};

// Deletes the view database at path (views are disposable; the ledger is the truth).
// The format of the views this build writes. `serve` keeps it beside the ledger's name in
// DATA/views.ledger and rebuilds the views from the ledger when either differs (a views folder of
// an older format is read wrong, not refused). 2: ancestor lists carry each ancestor's label.
inline constexpr int kViewsFormat = 2;
// The text of DATA/views.ledger for views built from `ledger` (Ledger::describe()) by this build.
std::string views_identity(std::string_view ledger);

Status destroy_view_store(const std::string& path);

}  // namespace agritrace::projections
