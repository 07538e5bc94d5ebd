#include "events/writer/writer_index.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <xxhash.h>

#include <cstring>

#include "core/codes/stored_map.h"

namespace agritrace::events {
namespace {

// Keys: "c" tenant \0 serial -> code; "r" tenant \0 run \0 serial -> "" (a run's codes in serial
// order); "s" map tenant \0 serial -> value (core::SerialMap); "k" XXH3-128(tenant, key) -> keyed
// command; "m…" -> what the index covers.
constexpr char kCode = 'c', kRun = 'r', kKey = 'k', kSerial = 's';
const std::string kMetaLedger = "m:ledger";
const std::string kMetaApplied = "m:applied";
// The layout's version: an index of another version (1: without the per-code maps; 2: without the
// per-entity maps, core::StoredMap) is rebuilt.
const std::string kMetaFormat = "m:format";
const std::string kFormat = "3";
constexpr size_t kBlockCacheBytes = size_t{128} << 20;
constexpr size_t kWriteBufferBytes = size_t{64} << 20;
// The cutoff of the last shrink_keys_before pass.
const std::string kMetaShrunk = "m:shrunk";

// Values are encoded like the stored entities' (core/codes/stored_map.h: little-endian u64
// numbers and lengths; a short read leaves the reader's ok false).
namespace stored = core::stored;
using Reader = stored::In;

std::string code_key(std::string_view tenant, std::string_view serial) {
  std::string k(1, kCode);
  k.append(tenant).push_back('\0');
  k.append(serial);
  return k;
}

std::string serial_key(std::string_view tenant, char map, std::string_view serial) {
  std::string k(1, kSerial);
  k.push_back(map);
  k.append(tenant).push_back('\0');
  k.append(serial);
  return k;
}

std::string run_prefix(std::string_view tenant, std::string_view run_id) {
  std::string k(1, kRun);
  k.append(tenant).push_back('\0');
  k.append(run_id).push_back('\0');
  return k;
}

std::string key_key(std::string_view tenant, std::string_view key) {
  // XXH3-128 with a length prefix: ("ab","c") != ("a","bc"); 2^-64 odds of any collision.
  std::string bytes;
  stored::put(bytes, tenant);
  bytes.append(key);
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  std::string k(1, kKey);
  stored::put(k, h.high64);
  stored::put(k, h.low64);
  return k;
}

std::string request_digest(std::string_view request_hash) {
  const XXH128_hash_t h = XXH3_128bits(request_hash.data(), request_hash.size());
  std::string out;
  stored::put(out, h.high64);
  stored::put(out, h.low64);
  return out;
}

Error io_error(const rocksdb::Status& s, std::string_view what) {
  if (s.IsIOError() && s.ToString().find("No space") != std::string::npos) {
    return make_error(ErrorCode::kIoError, "disk_full", std::string(what) + ": " + s.ToString());
  }
  return make_error(ErrorCode::kIoError, "writer_index_io", std::string(what) + ": " + s.ToString());
}

}  // namespace

rocksdb::Options WriterIndex::db_options() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  // Most look-ups miss (a new Idempotency-Key, a fresh serial, a new entity): a Bloom filter
  // answers those without reading a block.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Bounded memory (issue 11): the index holds every entity and code of every tenant (tens of
  // millions of keys at 10 M events). Its index and filter blocks are partitioned (4 KiB pieces)
  // and charged to one block cache, only their top levels pinned: a table's whole filter is never
  // held (nor read) for one look-up, and nothing lives outside the cache in the table readers.
  rocksdb::LRUCacheOptions cache;
  cache.capacity = kBlockCacheBytes;
  cache.high_pri_pool_ratio = 0.5;
  table.block_cache = rocksdb::NewLRUCache(cache);
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.optimize_filters_for_memory = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.write_buffer_size = kWriteBufferBytes;
  options.max_write_buffer_number = 2;
  // The same for the memtables, where a group's entity look-ups mostly land: a miss skips the
  // skip-list search (a third of the writer's CPU in a bulk load's profile before).
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.05;
  return options;
}

Status WriterIndex::open_db() {
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options(), path_, &db);
  if (!s.ok()) return io_error(s, "cannot open the writer index " + path_);
  db_.reset(db);
  return Status::Ok();
}

WriterIndex::~WriterIndex() {
  if (db_ != nullptr) (void)db_->Flush(rocksdb::FlushOptions());  // written without a WAL
}

Result<std::unique_ptr<WriterIndex>> WriterIndex::open(const std::string& path, const std::string& ledger) {
  std::unique_ptr<WriterIndex> index(new WriterIndex());
  index->ledger_ = ledger;
  if (!path.empty()) {
    index->path_ = path;
    Status opened = index->open_db();
    if (!opened.ok()) return opened.error();
  }
  // New, another ledger's (worthless here) or of another layout: start it (again).
  if (index->read(kMetaLedger) != ledger || index->read(kMetaFormat) != kFormat) {
    Status w = index->wipe();
    if (!w.ok()) return w.error();
  }
  if (auto applied = index->read(kMetaApplied)) {
    Reader r{*applied};
    const uint64_t n = r.u64();
    for (uint64_t i = 0; r.ok && i < n; ++i) {
      index->applied_.push_back(static_cast<int64_t>(r.u64()));
      index->last_ids_.push_back(r.str());
    }
    if (!r.ok) {
      Status w = index->wipe();
      if (!w.ok()) return w.error();
    }
  }
  return index;
}

bool WriterIndex::covers(const Position& p) const {
  return p.partition >= 0 && static_cast<size_t>(p.partition) < applied_.size() &&
         p.offset < applied_[static_cast<size_t>(p.partition)];
}

bool WriterIndex::fits(const std::vector<int64_t>& ends) const {
  if (applied_.size() > ends.size()) return false;
  for (size_t p = 0; p < applied_.size(); ++p) {
    if (applied_[p] > ends[p]) return false;
  }
  return true;
}

bool WriterIndex::consistent(const StoredEvent& se) const {
  const auto p = static_cast<size_t>(se.position.partition);
  if (p >= applied_.size() || se.position.offset != applied_[p] - 1) return true;
  return last_ids_[p] == se.envelope.id;
}

Status WriterIndex::wipe() {
  pending_.clear();
  applied_.clear();
  last_ids_.clear();
  if (db_ == nullptr) {
    memory_.clear();
  } else {
    // Everything goes: the files are deleted rather than covered by a range tombstone (the old
    // tables would stay under every look-up of the rebuild until compaction dropped them).
    db_.reset();
    rocksdb::Status s = rocksdb::DestroyDB(path_, db_options());
    if (!s.ok()) return io_error(s, "cannot wipe the writer index");
    if (Status opened = open_db(); !opened.ok()) return opened;
  }
  pending_[kMetaLedger] = ledger_;
  pending_[kMetaFormat] = kFormat;
  return flush();
}

void WriterIndex::note(int32_t partition, int64_t offset, const std::string& event_id) {
  if (partition < 0) return;
  const auto p = static_cast<size_t>(partition);
  if (applied_.size() <= p) {
    applied_.resize(p + 1, 0);
    last_ids_.resize(p + 1);
  }
  if (offset + 1 > applied_[p]) {
    applied_[p] = offset + 1;
    last_ids_[p] = event_id;
  }
}

Status WriterIndex::commit(const std::vector<StoredEvent>& events) {
  for (const StoredEvent& se : events) note(se.position.partition, se.position.offset, se.envelope.id);
  return flush();
}

Status WriterIndex::commit(const std::vector<Envelope>& events, const std::vector<Position>& positions) {
  for (size_t i = 0; i < events.size() && i < positions.size(); ++i) {
    note(positions[i].partition, positions[i].offset, events[i].id);
  }
  return flush();
}

Status WriterIndex::flush() {
  std::string applied;
  stored::put(applied, applied_.size());
  for (size_t p = 0; p < applied_.size(); ++p) {
    stored::put(applied, static_cast<uint64_t>(applied_[p]));
    stored::put(applied, last_ids_[p]);
  }
  pending_[kMetaApplied] = std::move(applied);
  if (db_ == nullptr) {
    for (auto& [k, v] : pending_) {
      if (v) {
        memory_[k] = std::move(*v);
      } else {
        memory_.erase(k);
      }
    }
  } else {
    rocksdb::WriteBatch batch;
    for (const auto& [k, v] : pending_) {
      if (v) {
        batch.Put(k, *v);
      } else {
        batch.Delete(k);
      }
    }
    // No WAL, no sync: the ledger is the durable truth. After a crash RocksDB comes back at its
    // last flush, a prefix of these batches, each with the "applied" mark of its own writes, and
    // the next start folds the events after it again. A clean close flushes the memtable.
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;
    rocksdb::Status s = db_->Write(wo, &batch);
    if (!s.ok()) {
      pending_.clear();
      return io_error(s, "cannot write the writer index");
    }
  }
  pending_.clear();
  return Status::Ok();
}

std::optional<std::string> WriterIndex::read(const std::string& key) const {
  if (auto it = pending_.find(key); it != pending_.end()) return it->second;  // nullopt: erased
  if (db_ == nullptr) {
    auto it = memory_.find(key);
    if (it == memory_.end()) return std::nullopt;
    return it->second;
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (!s.ok()) return std::nullopt;
  return value;
}

void WriterIndex::write(std::string key, std::optional<std::string> value) {
  if (skip_writes_) return;
  pending_.insert_or_assign(std::move(key), std::move(value));
}

std::vector<std::pair<std::string, std::string>> WriterIndex::scan(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  if (db_ == nullptr) {
    for (auto it = memory_.lower_bound(prefix); it != memory_.end() && it->first.starts_with(prefix); ++it) {
      out.insert(*it);
    }
  } else {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      out.emplace(it->key().ToString(), it->value().ToString());
    }
  }
  for (auto it = pending_.lower_bound(prefix); it != pending_.end() && it->first.starts_with(prefix); ++it) {
    if (it->second) {
      out.insert_or_assign(it->first, *it->second);
    } else {
      out.erase(it->first);
    }
  }
  return {out.begin(), out.end()};
}

std::optional<core::TraceCodeState> WriterIndex::get(std::string_view tenant, std::string_view serial) const {
  auto v = read(code_key(tenant, serial));
  if (!v) return std::nullopt;
  Reader r{*v};
  core::TraceCodeState code;
  code.run_id = r.str();
  code.batch_id = r.str();
  const uint64_t flags = r.u64();
  code.disabled = (flags & 1) != 0;
  code.disabled_individually = (flags & 2) != 0;
  if (!r.ok) return std::nullopt;
  return code;
}

void WriterIndex::put(std::string_view tenant, std::string_view serial, const core::TraceCodeState& code) {
  if (skip_writes_) return;
  std::string v;
  stored::put(v, code.run_id);
  stored::put(v, code.batch_id);
  stored::put(v, uint64_t{(code.disabled ? 1u : 0u) | (code.disabled_individually ? 2u : 0u)});
  write(code_key(tenant, serial), std::move(v));
  write(run_prefix(tenant, code.run_id).append(serial), std::string());
}

std::vector<std::string> WriterIndex::run_serials(std::string_view tenant, std::string_view run_id) const {
  const std::string prefix = run_prefix(tenant, run_id);
  std::vector<std::string> out;
  for (auto& [k, v] : scan(prefix)) out.push_back(k.substr(prefix.size()));
  return out;
}

std::optional<std::string> WriterIndex::get_serial(std::string_view tenant, char map,
                                                   std::string_view serial) const {
  return read(serial_key(tenant, map, serial));
}

void WriterIndex::put_serial(std::string_view tenant, char map, std::string_view serial,
                             std::optional<std::string_view> value) {
  if (!value) {
    write(serial_key(tenant, map, serial), std::nullopt);
  } else {
    write(serial_key(tenant, map, serial), std::string(*value));
  }
}

std::optional<WriterIndex::KeyRecord> WriterIndex::find_key(std::string_view tenant, std::string_view key,
                                                            std::string_view request_hash) const {
  auto v = read(key_key(tenant, key));
  if (!v) return std::nullopt;
  Reader r{*v};
  KeyRecord rec;
  rec.at_ms = static_cast<int64_t>(r.u64());
  if (r.in.empty()) {  // shrunk: only the instant is left
    rec.shrunk = true;
    return rec;
  }
  const std::string request = r.str();
  rec.same_request = request == request_digest(request_hash);
  rec.outcome.command_id = r.str();
  rec.outcome.replayed = true;
  const uint64_t n = r.u64();
  for (uint64_t i = 0; r.ok && i < n; ++i) {
    EventRef ref;
    ref.id = r.str();
    ref.type = r.str();
    ref.subject = r.str();
    ref.position.partition = static_cast<int32_t>(r.u64());
    ref.position.offset = static_cast<int64_t>(r.u64());
    rec.outcome.events.push_back(std::move(ref));
  }
  if (!r.ok) return std::nullopt;
  return rec;
}

void WriterIndex::add_key_event(std::string_view tenant, std::string_view key, std::string_view request_hash,
                                std::string_view command_id, int64_t at_ms, const EventRef& ref) {
  if (skip_writes_) return;
  std::vector<EventRef> events;
  if (auto old = find_key(tenant, key, request_hash); old && !old->shrunk && old->outcome.command_id == command_id) {
    events = std::move(old->outcome.events);
    at_ms = old->at_ms;
  }
  events.push_back(ref);
  put_key(tenant, key, request_hash, command_id, at_ms, events);
}

void WriterIndex::put_key(std::string_view tenant, std::string_view key, std::string_view request_hash,
                          std::string_view command_id, int64_t at_ms, const std::vector<EventRef>& events) {
  if (skip_writes_) return;
  std::string v;
  stored::put(v, static_cast<uint64_t>(at_ms));
  stored::put(v, request_digest(request_hash));
  stored::put(v, command_id);
  stored::put(v, events.size());
  for (const EventRef& e : events) {
    stored::put(v, e.id);
    stored::put(v, e.type);
    stored::put(v, e.subject);
    stored::put(v, static_cast<uint64_t>(e.position.partition));
    stored::put(v, static_cast<uint64_t>(e.position.offset));
  }
  write(key_key(tenant, key), std::move(v));
}

std::optional<int64_t> WriterIndex::last_shrink_cutoff() const {
  auto v = read(kMetaShrunk);
  if (!v) return std::nullopt;
  Reader r{*v};
  const auto cutoff = static_cast<int64_t>(r.u64());
  if (!r.ok) return std::nullopt;
  return cutoff;
}

size_t WriterIndex::shrink_keys_before(int64_t cutoff_ms) {
  size_t shrunk = 0;
  const auto shrink = [&](const std::string& k, std::string_view v) {
    if (v.size() <= 8) return;
    Reader r{v};
    const uint64_t at = r.u64();
    if (static_cast<int64_t>(at) >= cutoff_ms) return;
    std::string small;
    stored::put(small, at);
    write(k, std::move(small));
    ++shrunk;
  };
  const std::string prefix(1, kKey);
  if (db_ == nullptr) {
    for (auto& [k, v] : scan(prefix)) shrink(k, v);
  } else {
    // Streamed, not collected (a scan() of ten million records held them all in memory), and
    // written in slices so that the pending writes stay small.
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const std::string k = it->key().ToString();
      if (auto p = pending_.find(k); p != pending_.end()) {
        if (p->second) shrink(k, *p->second);
        continue;
      }
      shrink(k, std::string_view(it->value().data(), it->value().size()));
      if (pending_.size() >= 65536 && !flush().ok()) return shrunk;
    }
  }
  std::string mark;
  stored::put(mark, static_cast<uint64_t>(cutoff_ms));
  write(kMetaShrunk, std::move(mark));
  return shrunk;
}

}  // namespace agritrace::events
