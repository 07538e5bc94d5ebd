// LocalLedger: the embedded backend. One RocksDB database; an event is one key
// 'e' | partition (BE32) | offset (BE64) -> its CloudEvents bytes. An append is one synced
// WriteBatch, so a batch is atomic and durable before append returns.
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>

#include "events/ledger/ledger.h"

namespace agritrace::events {
namespace {

constexpr char kEventTag = 'e';
constexpr std::string_view kPartitionsKey = "m:partitions";
// The newest signed checkpoint of the chain heads (events/integrity/checkpoint.h): a metadata key,
// not an event, so event positions, hash chains and views are the same with or without it.
constexpr std::string_view kCheckpointKey = "m:checkpoint";

std::string event_key(int32_t partition, int64_t offset) {
  std::string k(13, '\0');
  k[0] = kEventTag;
  const auto p = static_cast<uint32_t>(partition);
  const auto o = static_cast<uint64_t>(offset);
  for (int i = 0; i < 4; ++i) k[1 + i] = static_cast<char>((p >> (24 - 8 * i)) & 0xff);
  for (int i = 0; i < 8; ++i) k[5 + i] = static_cast<char>((o >> (56 - 8 * i)) & 0xff);
  return k;
}

bool decode_key(const rocksdb::Slice& k, int32_t* partition, int64_t* offset) {
  if (k.size() != 13 || k[0] != kEventTag) return false;
  uint32_t p = 0;
  uint64_t o = 0;
  for (int i = 0; i < 4; ++i) p = (p << 8) | static_cast<uint8_t>(k[1 + i]);
  for (int i = 0; i < 8; ++i) o = (o << 8) | static_cast<uint8_t>(k[5 + i]);
  *partition = static_cast<int32_t>(p);
  *offset = static_cast<int64_t>(o);
  return true;
}

Error io_error(const rocksdb::Status& s, std::string_view what) {
  if (s.IsCorruption()) {
    return make_error(ErrorCode::kCorruption, "ledger_corrupt",
                      fmt::format("{}: the embedded ledger is damaged: {}", what, s.ToString()));
  }
  return make_error(ErrorCode::kIoError, "ledger_io_error", fmt::format("{}: {}", what, s.ToString()));
}

// Shared between the ledger and its readers so that readers in the same process can wait for
// appends without polling.
struct SharedState {
  std::mutex mu;
  std::condition_variable appended;
  std::vector<int64_t> end_offsets;
};

class LocalReader final : public LedgerReader {
 public:
  LocalReader(rocksdb::DB* db, std::shared_ptr<SharedState> shared, std::vector<int64_t> next)
      : db_(db), shared_(std::move(shared)), next_(std::move(next)) {}

  Result<PollResult> poll(int32_t timeout_ms, size_t max_events) override {
    std::vector<int64_t> ends;
    {
      std::unique_lock lock(shared_->mu);
      auto has_more = [&] {
        for (size_t p = 0; p < next_.size(); ++p)
          if (next_[p] < shared_->end_offsets[p]) return true;
        return false;
      };
      if (!has_more() && timeout_ms > 0) {
        shared_->appended.wait_for(lock, std::chrono::milliseconds(timeout_ms), has_more);
      }
      ends = shared_->end_offsets;
    }
    PollResult out;
    const size_t budget = std::max<size_t>(1, max_events);
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    // Round-robin over partitions in slices so that one busy partition does not starve others.
    const size_t slice = std::max<size_t>(1, budget / std::max<size_t>(1, next_.size()));
    bool progressed = true;
    while (out.events.size() < budget && progressed) {
      progressed = false;
      for (size_t p = 0; p < next_.size() && out.events.size() < budget; ++p) {
        if (next_[p] >= ends[p]) continue;
        it->Seek(event_key(static_cast<int32_t>(p), next_[p]));
        size_t taken = 0;
        for (; it->Valid() && taken < slice && out.events.size() < budget; it->Next()) {
          int32_t part = 0;
          int64_t off = 0;
          if (!decode_key(it->key(), &part, &off) || part != static_cast<int32_t>(p) ||
              off >= ends[p]) {
            break;
          }
          if (off != next_[p]) {
            return make_error(ErrorCode::kCorruption, "ledger_gap",
                              fmt::format("partition {} jumps from offset {} to {}", p, next_[p], off));
          }
          auto decoded = decode_cloudevent(it->value().ToStringView());
          if (!decoded.ok()) {
            Error e = decoded.error();
            e.message = fmt::format("partition {} offset {}: {}", p, off, e.message);
            return e;
          }
          out.events.push_back(StoredEvent{Position{part, off}, std::move(decoded).value()});
          ++next_[p];
          ++taken;
          progressed = true;
        }
        if (!it->status().ok()) return io_error(it->status(), "ledger read");
      }
    }
    out.at_end = true;
    for (size_t p = 0; p < next_.size(); ++p) out.at_end = out.at_end && next_[p] >= ends[p];
    return out;
  }

 private:
  rocksdb::DB* db_;
  std::shared_ptr<SharedState> shared_;
  std::vector<int64_t> next_;
};

class LocalLedger final : public Ledger {
 public:
  LocalLedger(std::unique_ptr<rocksdb::DB> db, int32_t partitions, std::string path, bool read_only)
      : db_(std::move(db)),
        partitions_(partitions),
        path_(std::move(path)),
        read_only_(read_only),
        shared_(std::make_shared<SharedState>()) {}

  Status load_end_offsets() {
    shared_->end_offsets.assign(static_cast<size_t>(partitions_), 0);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (int32_t p = 0; p < partitions_; ++p) {
      // The last key of partition p is just before the first key of partition p+1.
      it->SeekForPrev(event_key(p, INT64_MAX));
      int32_t part = 0;
      int64_t off = 0;
      if (it->Valid() && decode_key(it->key(), &part, &off) && part == p) {
        shared_->end_offsets[static_cast<size_t>(p)] = off + 1;
      }
      if (!it->status().ok()) return io_error(it->status(), "ledger scan");
    }
    return Status::Ok();
  }

  int32_t partition_count() const override { return partitions_; }

  Status append(const std::vector<Envelope>& events, std::vector<Position>* positions) override {
    if (read_only_) {
      return make_error(ErrorCode::kInternal, "ledger_read_only", "ledger opened read-only");
    }
    std::lock_guard append_lock(append_mu_);  // one appender at a time keeps offsets dense
    std::vector<int64_t> ends;
    {
      std::lock_guard lock(shared_->mu);
      ends = shared_->end_offsets;
    }
    rocksdb::WriteBatch batch;
    std::vector<Position> out;
    out.reserve(events.size());
    for (const Envelope& e : events) {
      const int32_t p = partition_for(e.tenant);
      const int64_t off = ends[static_cast<size_t>(p)]++;
      batch.Put(event_key(p, off), encode_cloudevent(e));
      out.push_back(Position{p, off});
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;  // durable before acknowledged
    rocksdb::Status s = db_->Write(wo, &batch);
    if (!s.ok()) return io_error(s, "ledger append");
    {
      std::lock_guard lock(shared_->mu);
      shared_->end_offsets = std::move(ends);
    }
    shared_->appended.notify_all();
    if (positions) *positions = std::move(out);
    return Status::Ok();
  }

  Result<std::unique_ptr<LedgerReader>> open_reader(const std::vector<int64_t>& next_offsets) override {
    std::vector<int64_t> next(static_cast<size_t>(partitions_), 0);
    for (size_t p = 0; p < next.size() && p < next_offsets.size(); ++p) next[p] = next_offsets[p];
    return std::unique_ptr<LedgerReader>(new LocalReader(db_.get(), shared_, std::move(next)));
  }

  Result<std::vector<int64_t>> end_offsets() override {
    std::lock_guard lock(shared_->mu);
    return shared_->end_offsets;
  }

  Status store_checkpoint(std::string_view text) override {
    if (read_only_) {
      return make_error(ErrorCode::kInternal, "ledger_read_only", "ledger opened read-only");
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = db_->Put(wo, kCheckpointKey, rocksdb::Slice(text.data(), text.size()));
    if (!s.ok()) return io_error(s, "ledger checkpoint");
    return Status::Ok();
  }

  Result<std::string> load_checkpoint() override {
    std::string text;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kCheckpointKey, &text);
    if (s.IsNotFound()) return std::string();
    if (!s.ok()) return io_error(s, "ledger checkpoint");
    return text;
  }

  LedgerHealth health() const override { return LedgerHealth{true, "embedded ledger at " + path_}; }
  std::string describe() const override { return "embedded:" + path_; }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  int32_t partitions_;
  std::string path_;
  bool read_only_;
  std::mutex append_mu_;
  std::shared_ptr<SharedState> shared_;
};

}  // namespace

Result<std::unique_ptr<Ledger>> open_local_ledger(const LocalLedgerOptions& options) {
  if (options.partitions <= 0 || options.partitions > 1024) {
    return make_error(ErrorCode::kInvalidArgument, "partitions_invalid",
                      "partition count must be between 1 and 1024", "partitions");
  }
  rocksdb::Options opts;
  opts.create_if_missing = !options.read_only;
  opts.paranoid_checks = true;
  // A damaged write-ahead log is an error, never a silent stop at the first bad record (the
  // default, kPointInTimeRecovery, drops every later event without a word). Appends are synced
  // one WriteBatch at a time, so a crash leaves no torn record an acknowledged event depends on;
  // see docs/OPERATIONS.md for what to do when the open is refused.
  opts.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  opts.compression = rocksdb::kLZ4Compression;
  opts.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = options.read_only ? rocksdb::DB::OpenForReadOnly(opts, options.path, &raw)
                                        : rocksdb::DB::Open(opts, options.path, &raw);
  if (!s.ok()) {
    if (s.IsCorruption()) {
      return make_error(ErrorCode::kCorruption, "ledger_corrupt",
                        fmt::format("the embedded ledger at {} is damaged and was not opened: {} "
                                    "(no event was dropped; restore it from a backup, see "
                                    "docs/OPERATIONS.md)",
                                    options.path, s.ToString()));
    }
    const bool locked = s.ToString().find("lock") != std::string::npos;
    return make_error(locked ? ErrorCode::kUnavailable : ErrorCode::kIoError,
                      locked ? "ledger_locked" : "ledger_open_failed",
                      fmt::format("cannot open the embedded ledger at {}: {}{}", options.path,
                                  s.ToString(), locked ? " (is a server running on it?)" : ""));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  int32_t partitions = options.partitions;
  std::string stored;
  s = db->Get(rocksdb::ReadOptions(), kPartitionsKey, &stored);
  if (s.ok()) {
    int32_t stored_partitions = 0;
    const auto [end, ec] =
        std::from_chars(stored.data(), stored.data() + stored.size(), stored_partitions);
    if (ec != std::errc() || end != stored.data() + stored.size() || stored_partitions <= 0 ||
        stored_partitions > 1024) {
      return make_error(ErrorCode::kCorruption, "ledger_metadata_corrupt",
                        fmt::format("the embedded ledger at {}: metadata {} holds '{}', expected a "
                                    "partition count 1..1024",
                                    options.path, kPartitionsKey, stored.substr(0, 64)));
    }
    partitions = stored_partitions;
  } else if (s.IsNotFound()) {
    if (options.read_only) {
      return make_error(ErrorCode::kNotFound, "ledger_missing",
                        fmt::format("no ledger at {}", options.path));
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->Put(wo, kPartitionsKey, std::to_string(partitions));
    if (!s.ok()) return io_error(s, "ledger init");
  } else {
    return io_error(s, "ledger open");
  }
  auto ledger = std::make_unique<LocalLedger>(std::move(db), partitions, options.path,
                                              options.read_only);
  Status loaded = ledger->load_end_offsets();
  if (!loaded.ok()) return loaded.error();
  return std::unique_ptr<Ledger>(std::move(ledger));
}

}  // namespace agritrace::events
