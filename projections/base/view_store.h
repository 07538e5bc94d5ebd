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

#include "core/base/status.h"

#include <unordered_map>

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace agritrace::projections {

class ViewStore;

// The value of a counter whose sum left the int64 range (sticky: adding to it keeps it).
inline constexpr std::string_view kCounterOverflow = "overflow";

// Pending writes of one projection batch; reads see the batch's own writes first.
// Counters (add_int) are RocksDB merges: adding never reads the database.
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

 private:
  friend class ViewStore;
  void clear();
  ViewStore& store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  // What this batch wrote, so that it reads its own writes: a value, or nullopt for a delete.
  std::unordered_map<std::string, std::optional<std::string>> written_;
  // Sums merged into keys this batch has not otherwise written.
  std::unordered_map<std::string, std::string> added_;  // counter text of the merges in this batch
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

  // SHA-256 over every key and value, positions included: equal digests mean identical views.
  std::string digest() const;

  rocksdb::DB* db() const { return db_.get(); }
  // Unique per store opened in this process (never reused), for caches of values that never
  // change once written (an enterprise's registration).
  uint64_t instance_id() const { return instance_id_; }

 private:
  explicit ViewStore(std::unique_ptr<rocksdb::DB> db);
  uint64_t instance_id_;
  void commit_loop();
  std::unique_ptr<rocksdb::DB> db_;
  struct AsyncCommit;
  std::unique_ptr<AsyncCommit> async_;
};

// Deletes the view database at path (views are disposable; the ledger is the truth).
Status destroy_view_store(const std::string& path);

}  // namespace agritrace::projections
