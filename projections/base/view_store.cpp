#include "projections/base/view_store.h"

#include <algorithm>
#include <atomic>

#include "core/base/digest.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/write_batch.h>

#include <charconv>
#include <unordered_map>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace agritrace::projections {
namespace {

// Positions live under a prefix that sorts before every view key ('\x01').
constexpr std::string_view kPositionPrefix = "\x01pos/";
constexpr size_t kViewBlockCacheBytes = size_t{256} << 20;
constexpr size_t kWriteBufferBytes = size_t{64} << 20;
constexpr size_t kBulkWriteBufferBytes = size_t{256} << 20;

std::string position_key(size_t partition) {
  return fmt::format("{}{:06}", kPositionPrefix, partition);
}

Error io_error(const rocksdb::Status& s, std::string_view what) {
  return make_error(ErrorCode::kIoError, "views_io_error", fmt::format("{}: {}", what, s.ToString()));
}

int64_t parse_int(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// base + delta as counter text; kCounterOverflow (sticky) when either is one or the sum does not
// fit in 64 bits, so a query reports the overflow instead of a wrapped total.
std::string add_counter_text(std::optional<std::string_view> base, std::string_view delta) {
  if ((base && *base == kCounterOverflow) || delta == kCounterOverflow) return std::string(kCounterOverflow);
  int64_t sum = 0;
  if (__builtin_add_overflow(base ? parse_int(*base) : 0, parse_int(delta), &sum)) {
    return std::string(kCounterOverflow);
  }
  return std::to_string(sum);
}

// Counters are decimal strings; a merge operand is a decimal delta.
class Int64AddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    std::optional<std::string_view> base;
    if (existing) base = existing->ToStringView();
    *new_value = add_counter_text(base, value.ToStringView());
    return true;
  }
  const char* Name() const override { return "agritrace.int64add"; }
};

}  // namespace

ViewBatch::ViewBatch(ViewStore& store) : store_(store) {}
ViewBatch::~ViewBatch() = default;

void ViewBatch::settle() const {
  if (done_.load(std::memory_order_acquire)) {
    written_.clear();
    added_.clear();
    done_.store(false, std::memory_order_relaxed);
  }
}

std::optional<std::string> ViewBatch::get(std::string_view key) const {
  settle();
  const std::string k(key);
  if (auto it = written_.find(k); it != written_.end()) return it->second;
  std::optional<std::string> stored = store_.get_behind(this, k);
  if (auto it = added_.find(k); it != added_.end()) {
    std::optional<std::string_view> base;
    if (stored) base = *stored;
    return add_counter_text(base, it->second.sum);
  }
  return stored;
}

void ViewBatch::put(std::string_view key, std::string_view value) {
  settle();
  std::string k(key);
  added_.erase(k);
  written_.insert_or_assign(std::move(k), std::string(value));
}

void ViewBatch::del(std::string_view key) {
  settle();
  std::string k(key);
  added_.erase(k);
  written_.insert_or_assign(std::move(k), std::nullopt);
}

int64_t ViewBatch::get_int(std::string_view key) const {
  auto v = get(key);
  return v ? parse_int(*v) : 0;
}

void ViewBatch::add_int(std::string_view key, int64_t delta) {
  settle();
  std::string k(key);
  std::string operand = std::to_string(delta);
  if (auto it = written_.find(k); it != written_.end()) {
    // Written in this batch already: the sum is known without reading the database.
    std::optional<std::string_view> base;
    if (it->second) base = *it->second;
    it->second = add_counter_text(base, operand);
    return;
  }
  Merges& m = added_[std::move(k)];
  m.sum = add_counter_text(m.operands.empty() ? std::nullopt : std::optional<std::string_view>(m.sum),
                           operand);
  m.operands.push_back(std::move(operand));
}

size_t ViewBatch::pending() const {
  settle();
  return written_.size() + added_.size();
}

void ViewBatch::fill(rocksdb::WriteBatch& out,
                     const std::vector<std::pair<std::string, std::string>>& positions) const {
  // In key order: the memtable's insert hint (per key prefix, ViewStore::open) then finds each
  // key's place next to the previous one instead of searching the skip list from the top.
  using Written = std::pair<const std::string, std::optional<std::string>>;
  using Added = std::pair<const std::string, Merges>;
  std::vector<const Written*> w;
  w.reserve(written_.size());
  for (const Written& e : written_) w.push_back(&e);
  std::sort(w.begin(), w.end(), [](const Written* a, const Written* b) { return a->first < b->first; });
  std::vector<const Added*> a;
  a.reserve(added_.size());
  for (const Added& e : added_) a.push_back(&e);
  std::sort(a.begin(), a.end(), [](const Added* x, const Added* y) { return x->first < y->first; });
  for (const Written* e : w) {
    if (e->second) {
      out.Put(rocksdb::Slice(e->first), rocksdb::Slice(*e->second));
    } else {
      out.Delete(rocksdb::Slice(e->first));
    }
  }
  for (const Added* e : a) {
    for (const std::string& operand : e->second.operands) {
      out.Merge(rocksdb::Slice(e->first), rocksdb::Slice(operand));
    }
  }
  for (const auto& [k, v] : positions) out.Put(rocksdb::Slice(k), rocksdb::Slice(v));
}

void ViewBatch::clear() {
  written_.clear();
  added_.clear();
  done_.store(false, std::memory_order_relaxed);
}

struct ViewStore::AsyncCommit {
  std::mutex mu;
  std::condition_variable cv;
  ViewBatch* batch = nullptr;  // the commit in flight, if any
  std::vector<int64_t> offsets;
  std::function<void(Status)> done;
  bool stopping = false;
  std::thread thread;
};

namespace {
std::atomic<uint64_t> store_instances{0};
}  // namespace

ViewStore::ViewStore(std::unique_ptr<rocksdb::DB> db)
    : instance_id_(++store_instances), db_(std::move(db)), async_(std::make_unique<AsyncCommit>()) {
  async_->thread = std::thread([this] { commit_loop(); });
}

void ViewStore::commit_loop() {
  std::unique_lock lock(async_->mu);
  for (;;) {
    async_->cv.wait(lock, [&] { return async_->stopping || async_->batch != nullptr; });
    if (async_->batch == nullptr) return;
    ViewBatch* batch = async_->batch;
    lock.unlock();
    // The batch's maps are only read here, as by the owner's next batch (get_behind).
    rocksdb::WriteBatch wb;
    std::vector<std::pair<std::string, std::string>> positions;
    for (size_t p = 0; p < async_->offsets.size(); ++p) {
      positions.emplace_back(position_key(p), std::to_string(async_->offsets[p]));
    }
    batch->fill(wb, positions);
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;  // see commit()
    rocksdb::Status rs = db_->Write(wo, &wb);
    Status s = rs.ok() ? Status::Ok() : Status(io_error(rs, "views commit"));
    // Done either way: a failed batch is dropped (its positions were not written, so its events
    // are applied again from the committed positions).
    batch->done_.store(true, std::memory_order_release);
    in_flight_.store(nullptr, std::memory_order_release);
    async_->done(s);
    lock.lock();
    async_->batch = nullptr;
    async_->done = nullptr;
    async_->cv.notify_all();
  }
}

void ViewStore::commit_async(ViewBatch& batch, std::vector<int64_t> next_offsets,
                             std::function<void(Status)> done) {
  batch.settle();  // a batch with nothing new may still hold what it committed before
  std::unique_lock lock(async_->mu);
  async_->cv.wait(lock, [&] { return async_->batch == nullptr; });
  async_->batch = &batch;
  async_->offsets = std::move(next_offsets);
  async_->done = std::move(done);
  in_flight_.store(&batch, std::memory_order_release);
  async_->cv.notify_all();
}

std::optional<std::string> ViewStore::get_behind(const ViewBatch* reader, const std::string& key) {
  // The batch being committed decides a key it wrote; a key it merged into needs the database
  // after its commit (the sum of both); any other key is the database's, whether or not the
  // commit has happened yet.
  if (const ViewBatch* f = in_flight_.load(std::memory_order_acquire); f != nullptr && f != reader) {
    if (auto it = f->written_.find(key); it != f->written_.end()) return it->second;
    if (f->added_.contains(key)) wait_idle();
  }
  return get(key);
}

void ViewStore::wait_idle() {
  std::unique_lock lock(async_->mu);
  async_->cv.wait(lock, [&] { return async_->batch == nullptr; });
}

ViewStore::~ViewStore() {
  {
    std::lock_guard lock(async_->mu);
    async_->stopping = true;
    async_->cv.notify_all();
  }
  async_->thread.join();  // finishes a commit in flight first
  // Without a WAL, unflushed views would be rebuilt after a restart; flush to spare that.
  if (db_) db_->Flush(rocksdb::FlushOptions());
}

Result<std::unique_ptr<ViewStore>> ViewStore::open(const std::string& path) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.compression = rocksdb::kLZ4Compression;
  opts.merge_operator = std::make_shared<Int64AddOperator>();
  opts.write_buffer_size = kWriteBufferBytes;
  // View keys are "view/tenant/id...": remembering the last insert position per view+tenant
  // prefix makes memtable inserts of neighbouring keys cheap (they dominate a replay).
  opts.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(24));
  opts.IncreaseParallelism(2);
  // Traces are many point lookups: keep blocks, indexes and bloom filters in memory, and do not
  // decompress the hot upper levels.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(kViewBlockCacheBytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // A hash table in each data block: a point lookup finds its key without the binary search and
  // linear scan inside the block, which were the largest part of a trace's cost in the profile
  // (docs/PERFORMANCE.md). Files written before keep working and are rewritten by compaction.
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  table.data_block_hash_table_util_ratio = 0.75;
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  opts.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression,
                                rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                rocksdb::kLZ4Compression};
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(opts, path, &raw);
  if (!s.ok()) {
    return make_error(ErrorCode::kIoError, "views_open_failed",
                      fmt::format("cannot open the views at {}: {}", path, s.ToString()));
  }
  return std::unique_ptr<ViewStore>(new ViewStore(std::unique_ptr<rocksdb::DB>(raw)));
}

namespace {
// Serving options changed for a bulk load, with their serving values (ViewStore::open).
const std::unordered_map<std::string, std::string> kServingOptions = {
    {"disable_auto_compactions", "false"},
    {"write_buffer_size", std::to_string(kWriteBufferBytes)},
    {"max_write_buffer_number", "2"},
    {"level0_slowdown_writes_trigger", "20"},
    {"level0_stop_writes_trigger", "36"},
};
}  // namespace

Status ViewStore::begin_bulk_load() {
  const std::unordered_map<std::string, std::string> bulk = {
      {"disable_auto_compactions", "true"},
      {"write_buffer_size", std::to_string(kBulkWriteBufferBytes)},
      {"max_write_buffer_number", "4"},
      // No compaction runs, so L0 only grows: never stall on it.
      {"level0_slowdown_writes_trigger", "1000000"},
      {"level0_stop_writes_trigger", "1000000"},
  };
  rocksdb::Status s = db_->SetOptions(bulk);
  if (!s.ok()) return io_error(s, "views bulk-load options");
  return Status::Ok();
}

Status ViewStore::end_bulk_load() {
  wait_idle();
  rocksdb::Status s = db_->Flush(rocksdb::FlushOptions());
  if (!s.ok()) return io_error(s, "views flush");
  // Compaction resumes in RocksDB's background threads (as it ran during a replay before).
  s = db_->SetOptions(kServingOptions);
  if (!s.ok()) return io_error(s, "views serving options");
  return Status::Ok();
}

std::optional<std::string> ViewStore::get(std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.ok()) return value;
  return std::nullopt;
}

std::vector<std::optional<std::string>> ViewStore::multi_get(
    const std::vector<std::string>& keys) const {
  std::vector<std::optional<std::string>> out(keys.size());
  if (keys.empty()) return out;
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const std::string& k : keys) slices.emplace_back(k);
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), keys.size(), slices.data(),
                values.data(), statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].ok()) out[i] = values[i].ToString();
  }
  return out;
}

void ViewStore::scan_prefix(std::string_view prefix,
                            const std::function<bool(std::string_view, std::string_view)>& fn) const {
  // The iterator stops at the first key past the prefix: without the bound, a Seek into an empty
  // (or short) prefix steps over every deleted key that follows it (closed orders' index entries,
  // say) before it finds a live key to compare (most of a whereabouts answer's time before).
  std::string upper(prefix);
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  rocksdb::ReadOptions ro;
  rocksdb::Slice bound;
  if (!upper.empty()) {
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
    bound = rocksdb::Slice(upper);
    ro.iterate_upper_bound = &bound;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const std::string_view k = it->key().ToStringView();
    if (!k.starts_with(prefix)) break;
    if (!fn(k, it->value().ToStringView())) break;
  }
}

void ViewStore::scan_range(std::string_view begin, std::string_view end,
                           const std::function<bool(std::string_view, std::string_view)>& fn) const {
  if (!(begin < end)) return;
  rocksdb::ReadOptions ro;
  const std::string upper(end);
  rocksdb::Slice bound(upper);
  ro.iterate_upper_bound = &bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(rocksdb::Slice(begin.data(), begin.size())); it->Valid(); it->Next()) {
    if (!fn(it->key().ToStringView(), it->value().ToStringView())) break;
  }
}

std::vector<int64_t> ViewStore::positions() const {
  std::vector<int64_t> out;
  scan_prefix(kPositionPrefix, [&](std::string_view, std::string_view v) {
    out.push_back(parse_int(v));
    return true;
  });
  return out;
}

Status ViewStore::commit(ViewBatch& batch, const std::vector<int64_t>& next_offsets) {
  batch.settle();
  std::vector<std::pair<std::string, std::string>> positions;
  for (size_t p = 0; p < next_offsets.size(); ++p) {
    positions.emplace_back(position_key(p), std::to_string(next_offsets[p]));
  }
  rocksdb::WriteBatch wb;
  batch.fill(wb, positions);
  rocksdb::WriteOptions wo;
  // No write-ahead log: views can always be re-derived from the ledger. A batch and its
  // positions sit in the same memtable, so whatever survives a crash is consistent and the
  // runner resumes from the positions that survived.
  wo.disableWAL = true;
  rocksdb::Status s = db_->Write(wo, &wb);
  if (!s.ok()) return io_error(s, "views commit");
  batch.clear();
  return Status::Ok();
}

std::string ViewStore::digest() const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const uint64_t klen = it->key().size();
    const uint64_t vlen = it->value().size();
    EVP_DigestUpdate(ctx, &klen, sizeof klen);
    EVP_DigestUpdate(ctx, it->key().data(), klen);
    EVP_DigestUpdate(ctx, &vlen, sizeof vlen);
    EVP_DigestUpdate(ctx, it->value().data(), vlen);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return core::hex_encode(md, len);
}

std::string views_identity(std::string_view ledger) {
  return fmt::format("{}\nviews format {}\n", ledger, kViewsFormat);
}

Status destroy_view_store(const std::string& path) {
  rocksdb::Status s = rocksdb::DestroyDB(path, rocksdb::Options());
  if (!s.ok()) return io_error(s, "views destroy");
  return Status::Ok();
}

}  // namespace agritrace::projections
