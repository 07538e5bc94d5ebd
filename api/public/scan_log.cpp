#include "api/public/scan_log.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"

namespace agritrace::api {
namespace {

// Records are tab-separated text: at_ms, consumer, lat_e1, lon_e1, has_location, city, gtin, lot,
// product, tenant, batch_id (tabs and newlines in names are replaced by spaces).
std::string clean(std::string_view s) {
  std::string out(s);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n'; }, ' ');
  return out;
}

std::string encode(const ScanRecord& r) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", r.at_ms, clean(r.consumer_id),
                     r.location ? r.location->lat_e1 : 0, r.location ? r.location->lon_e1 : 0,
                     r.location ? 1 : 0, clean(r.city), clean(r.gtin), clean(r.lot),
                     clean(r.product), clean(r.tenant), clean(r.batch_id));
}

std::vector<std::string_view> split_tabs(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '\t') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

int64_t to_i64(std::string_view s) {
  int64_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

ScanRecord decode(std::string_view scan_id, std::string_view serial, std::string_view v) {
  ScanRecord r;
  r.scan_id = scan_id;
  r.serial = serial;
  auto p = split_tabs(v);
  if (p.size() < 11) return r;
  r.at_ms = to_i64(p[0]);
  r.consumer_id = p[1];
  if (p[4] == "1") {
    r.location = core::CoarseLocation{static_cast<int32_t>(to_i64(p[2])),
                                      static_cast<int32_t>(to_i64(p[3]))};
  }
  r.city = p[5];
  r.gtin = p[6];
  r.lot = p[7];
  r.product = p[8];
  r.tenant = p[9];
  r.batch_id = p[10];
  return r;
}

core::ScanFact fact_of(const ScanRecord& r) {
  return core::ScanFact{r.at_ms, r.consumer_id, r.location, r.city};
}

// A summary is one line of tab-separated fields (v1): count, consumers, last_ms, first (present,
// scan id, at, consumer, has location, lat, lon, city), far-apart detail, consumer keys (hex,
// comma-separated), places (lat:lon:last_ms:city, semicolon-separated).
std::string encode_summary(const core::ScanSummary& s) {
  std::string keys, places;
  for (uint64_t k : s.consumer_keys) fmt::format_to(std::back_inserter(keys), "{}{:x}", keys.empty() ? "" : ",", k);
  for (const core::ScanPlace& p : s.places) {
    fmt::format_to(std::back_inserter(places), "{}{}:{}:{}:{}", places.empty() ? "" : ";",
                   p.at.lat_e1, p.at.lon_e1, p.last_ms, clean(p.city));
  }
  const core::ScanFact none;
  const core::ScanFact& f = s.first ? *s.first : none;
  return fmt::format("1\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", s.count,
                     s.consumers, s.last_ms, s.first ? 1 : 0, clean(s.first_scan_id), f.at_ms,
                     clean(f.consumer_id), f.location ? 1 : 0, f.location ? f.location->lat_e1 : 0,
                     f.location ? f.location->lon_e1 : 0, clean(f.city), clean(s.far_apart), keys,
                     places);
}

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  if (s.empty()) return parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::optional<core::ScanSummary> decode_summary(std::string_view v) {
  const auto p = split_on(v, '\t');
  if (p.size() != 15 || p[0] != "1") return std::nullopt;
  core::ScanSummary s;
  s.count = to_i64(p[1]);
  s.consumers = to_i64(p[2]);
  s.last_ms = to_i64(p[3]);
  if (p[4] == "1") {
    core::ScanFact f;
    s.first_scan_id = p[5];
    f.at_ms = to_i64(p[6]);
    f.consumer_id = p[7];
    if (p[8] == "1") {
      f.location = core::CoarseLocation{static_cast<int32_t>(to_i64(p[9])),
                                        static_cast<int32_t>(to_i64(p[10]))};
    }
    f.city = p[11];
    s.first = std::move(f);
  }
  s.far_apart = p[12];
  for (std::string_view k : split_on(p[13], ',')) {
    uint64_t n = 0;
    std::from_chars(k.data(), k.data() + k.size(), n, 16);
    s.consumer_keys.push_back(n);
  }
  for (std::string_view place : split_on(p[14], ';')) {
    const auto q = split_on(place, ':');
    if (q.size() != 4) return std::nullopt;
    s.places.push_back({core::CoarseLocation{static_cast<int32_t>(to_i64(q[0])),
                                             static_cast<int32_t>(to_i64(q[1]))},
                        std::string(q[3]), to_i64(q[2])});
  }
  return s;
}

// Live summaries kept in memory at most (codes with queued scans are always kept).
constexpr size_t kLiveCapacity = 10'000;

void scan_prefix(rocksdb::DB& db, const std::string& prefix,
                 const std::function<bool(std::string_view, std::string_view)>& fn) {
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);
  rocksdb::Slice bound(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &bound;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!fn(std::string_view(it->key().data(), it->key().size()),
            std::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
}

}  // namespace

bool valid_consumer_id(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::unique_ptr<ScanLog>> ScanLog::open(Env& env, const std::string& dir,
                                               ScanLogOptions options) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.compression = rocksdb::kLZ4Compression;
  opts.write_buffer_size = 16 << 20;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(opts, dir, &raw);
  if (!s.ok()) {
    return make_error(ErrorCode::kIoError, "scan_log_open_failed",
                      fmt::format("cannot open the scan log at {}: {}", dir, s.ToString()));
  }
  return std::unique_ptr<ScanLog>(new ScanLog(env, std::unique_ptr<rocksdb::DB>(raw), options));
}

ScanLog::ScanLog(Env& env, std::unique_ptr<rocksdb::DB> db, ScanLogOptions options)
    : env_(env), db_(std::move(db)), options_(options) {
  thread_ = std::thread([this] { run(); });
}

ScanLog::~ScanLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ScanLog::set_sold_lookup(SoldLookup fn) {
  std::lock_guard<std::mutex> lock(mu_);
  sold_ = std::move(fn);
}

std::string ScanLog::new_scan_id(int64_t at_ms) {
  unsigned char r[4];
  if (!env_.random_bytes(r, sizeof r).ok()) return "";
  return fmt::format("{:013d}-{:02x}{:02x}{:02x}{:02x}", at_ms, r[0], r[1], r[2], r[3]);
}

ScanLog::Live& ScanLog::live_locked(std::unique_lock<std::mutex>& lock,
                                    const std::string& serial) const {
  for (;;) {
    if (auto it = live_.find(serial); it != live_.end()) return it->second;
    // No live summary: no scan of the code is queued, so the stored one is complete. Read it
    // without the lock; it is still current if the writer committed nothing meanwhile.
    const uint64_t seen = persisted_;
    lock.unlock();
    core::ScanSummary stored = stored_summary(serial);
    lock.lock();
    if (auto it = live_.find(serial); it != live_.end()) return it->second;
    if (persisted_ != seen) continue;
    if (live_.size() >= kLiveCapacity) {
      std::erase_if(live_, [](const auto& kv) { return kv.second.pending == 0; });
    }
    return live_.emplace(serial, Live{std::move(stored), 0}).first->second;
  }
}

bool ScanLog::enqueue_locked(std::unique_lock<std::mutex>& lock, ScanRecord& r, Live** live) {
  auto full = [&] { return queue_.size() >= options_.queue_capacity || stop_; };
  if (full()) {
    ++dropped_;
    return false;
  }
  Live& l = live_locked(lock, r.serial);
  if (full()) {  // the lock may have been released meanwhile
    ++dropped_;
    return false;
  }
  core::fold_scan(l.summary, r.scan_id, fact_of(r), r.location_only, options_.thresholds);
  ++l.pending;
  queue_.push_back(std::move(r));
  ++enqueued_;
  if (live) *live = &l;
  return true;
}

bool ScanLog::record(ScanRecord r) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!enqueue_locked(lock, r, nullptr)) return false;
  }
  cv_.notify_one();
  return true;
}

core::ScanSignals ScanLog::record_scan(ScanRecord r, const std::optional<core::SoldAt>& sold) {
  core::ScanSignals sig;
  bool queued = false;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const std::string serial = r.serial;
    Live* l = nullptr;
    queued = enqueue_locked(lock, r, &l);
    if (!queued) l = &live_locked(lock, serial);
    sig = core::scan_signals(l->summary, sold, options_.thresholds);
  }
  if (queued) cv_.notify_one();
  return sig;
}

core::ScanSignals ScanLog::code_signals(const std::string& serial,
                                        const std::optional<core::SoldAt>& sold) const {
  std::unique_lock<std::mutex> lock(mu_);
  return core::scan_signals(live_locked(lock, serial).summary, sold, options_.thresholds);
}

core::ScanSummary ScanLog::summary(const std::string& serial) const {
  std::unique_lock<std::mutex> lock(mu_);
  return live_locked(lock, serial).summary;
}

core::ScanSummary ScanLog::stored_summary(const std::string& serial) const {
  std::string v;
  if (db_->Get(rocksdb::ReadOptions(), "s/" + serial, &v).ok()) {
    if (auto s = decode_summary(v)) return *std::move(s);
  }
  // A log written before summaries existed (or an unreadable one): fold the code's scans.
  core::ScanSummary s;
  for (const ScanRecord& r : written_scans(serial)) {
    core::fold_scan(s, r.scan_id, fact_of(r), false, options_.thresholds);
  }
  return s;
}

bool ScanLog::wait_written(int32_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t target = enqueued_;
  return written_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return written_count_ >= target; });
}

void ScanLog::run() {
  if (options_.nice > 0) {
    const auto tid = static_cast<id_t>(gettid());
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, tid);
    if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(19, now + options_.nice));
  }
  std::vector<ScanRecord> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      // Group commit: everything queued so far (bounded) goes into one WriteBatch.
      // The records stay queued until written: readers see them (code_scans) meanwhile.
      const size_t n = std::min(queue_.size(), options_.max_batch);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const bool ok = write_batch(batch);
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
      for (const ScanRecord& r : batch) {
        auto it = live_.find(r.serial);
        if (it != live_.end()) --it->second.pending;
      }
      if (!ok) {
        // The live summaries of the lost scans: the stored ones plus what is still queued.
        std::set<std::string> lost;
        for (const ScanRecord& r : batch) lost.insert(r.serial);
        for (const std::string& serial : lost) live_.erase(serial);
        for (const ScanRecord& q : queue_) {
          if (!lost.count(q.serial)) continue;
          auto [it, fresh] = live_.try_emplace(q.serial);
          if (fresh) it->second.summary = stored_summary(q.serial);
          core::fold_scan(it->second.summary, q.scan_id, fact_of(q), q.location_only,
                          options_.thresholds);
          ++it->second.pending;
        }
      }
      ++persisted_;
      written_count_ += static_cast<int64_t>(batch.size());  // lost ones count as dropped too
      ++batches_;
    }
    written_.notify_all();
  }
}

bool ScanLog::write_batch(std::vector<ScanRecord>& batch) {
  rocksdb::WriteBatch wb;
  struct Touched {
    core::ScanSummary summary;
    std::string tenant;
    const ScanRecord* last = nullptr;
  };
  std::map<std::string, Touched> touched;  // serial -> its stored summary with this batch
  for (const ScanRecord& r : batch) {
    const std::string value = encode(r);
    if (r.location_only) {
      wb.Put("c/" + r.serial + "/" + r.scan_id + "/loc", value);
    } else {
      wb.Put("c/" + r.serial + "/" + r.scan_id, value);
      wb.Put("u/" + r.consumer_id + "/" + r.scan_id, r.serial + "\t" + value);
    }
    auto [it, fresh] = touched.try_emplace(r.serial);
    if (fresh) it->second.summary = stored_summary(r.serial);
    core::fold_scan(it->second.summary, r.scan_id, fact_of(r), r.location_only,
                    options_.thresholds);
    if (!r.tenant.empty()) it->second.tenant = r.tenant;
    it->second.last = &r;
  }
  SoldLookup sold;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sold = sold_;
  }
  for (const auto& [serial, t] : touched) {
    wb.Put("s/" + serial, encode_summary(t.summary));
    // The code's alert for its owner, from its summary.
    if (t.tenant.empty()) continue;
    const core::ScanSignals sig = core::scan_signals(
        t.summary, sold ? sold(serial) : std::nullopt, options_.thresholds);
    if (sig.warnings.empty()) continue;
    JsonWriter w;
    w.begin_object().field("serial", serial).field("enterprise_id", t.tenant);
    w.field("gtin", t.last->gtin)
        .field("lot", t.last->lot)
        .field("product", t.last->product)
        .field("batch_id", t.last->batch_id);
    w.field("scans", sig.count).field("consumers", sig.consumers);
    if (sig.first) {
      w.field("first_scanned_at", core::format_rfc3339_utc(sig.first->at_ms))
          .field("first_city", sig.first->city);
    }
    w.field("last_scanned_at", core::format_rfc3339_utc(t.summary.last_ms));
    w.key("warnings").begin_array();
    for (core::ScanWarning x : sig.warnings) w.value(core::scan_warning_name(x));
    w.end_array().field("detail", sig.detail).end_object();
    wb.Put("a/" + t.tenant + "/" + serial, w.take());
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::Status s = db_->Write(wo, &wb);
  if (!s.ok()) {
    std::fprintf(stderr, "agritrace: scan log write failed (%zu scans lost): %s\n", batch.size(),
                 s.ToString().c_str());
    std::lock_guard<std::mutex> lock(mu_);
    dropped_ += static_cast<int64_t>(batch.size());
    return false;
  }
  return true;
}

std::vector<ScanRecord> ScanLog::written_scans(const std::string& serial) const {
  std::vector<ScanRecord> out;
  const std::string prefix = "c/" + serial + "/";
  scan_prefix(*db_, prefix, [&](std::string_view k, std::string_view v) {
    std::string_view rest = k.substr(prefix.size());
    if (rest.ends_with("/loc")) {
      const std::string_view id = rest.substr(0, rest.size() - 4);
      const ScanRecord loc = decode(id, serial, v);
      for (auto it = out.rbegin(); it != out.rend(); ++it) {
        if (it->scan_id == id) {
          it->location = loc.location;
          it->city = loc.city;
          break;
        }
      }
    } else {
      out.push_back(decode(rest, serial, v));
    }
    return true;
  });
  return out;
}

std::vector<ScanRecord> ScanLog::code_scans(const std::string& serial) const {
  std::vector<ScanRecord> out = written_scans(serial);
  // Scans queued but not written yet (a scan right after another sees it).
  std::lock_guard<std::mutex> lock(mu_);
  for (const ScanRecord& q : queue_) {
    if (q.serial != serial) continue;
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const ScanRecord& r) { return r.scan_id == q.scan_id; });
    if (q.location_only) {
      if (same != out.end()) {
        same->location = q.location;
        same->city = q.city;
      }
    } else if (same == out.end()) {
      out.push_back(q);
    }
  }
  return out;
}

std::vector<ScanRecord> ScanLog::consumer_scans(const std::string& consumer_id,
                                                size_t limit) const {
  std::vector<ScanRecord> out;
  const std::string prefix = "u/" + consumer_id + "/";
  scan_prefix(*db_, prefix, [&](std::string_view k, std::string_view v) {
    const size_t tab = v.find('\t');
    if (tab != std::string_view::npos)
      out.push_back(decode(k.substr(prefix.size()), v.substr(0, tab), v.substr(tab + 1)));
    return true;
  });
  std::reverse(out.begin(), out.end());
  if (out.size() > limit) out.resize(limit);
  // The location may have come later (c/<serial>/<scan_id>/loc).
  for (ScanRecord& r : out) {
    if (r.location) continue;
    std::string v;
    if (db_->Get(rocksdb::ReadOptions(), "c/" + r.serial + "/" + r.scan_id + "/loc", &v).ok()) {
      const ScanRecord loc = decode(r.scan_id, r.serial, v);
      r.location = loc.location;
      r.city = loc.city;
    }
  }
  return out;
}

std::vector<std::string> ScanLog::alerts(const std::string& tenant) const {
  std::vector<std::string> out;
  scan_prefix(*db_, tenant.empty() ? std::string("a/") : "a/" + tenant + "/",
              [&](std::string_view, std::string_view v) {
                out.emplace_back(v);
                return true;
              });
  return out;
}

std::vector<std::string> ScanLog::alerts_of(
    const std::function<bool(std::string_view)>& visible) const {
  std::vector<std::string> out;
  scan_prefix(*db_, "a/", [&](std::string_view k, std::string_view v) {
    const std::string_view tenant = k.substr(2, k.find('/', 2) - 2);  // a/<tenant>/<serial>
    if (!visible || visible(tenant)) out.emplace_back(v);
    return true;
  });
  return out;
}

std::string ScanLog::phone_of(const std::string& consumer_id) const {
  std::string v;
  if (!db_->Get(rocksdb::ReadOptions(), "p/" + consumer_id, &v).ok()) return "";
  return v.substr(0, v.find('\t'));
}

Status ScanLog::set_phone(const std::string& consumer_id, const std::string& masked,
                          const std::string& sha256) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Put(wo, "p/" + consumer_id, masked + "\t" + sha256);
  if (!s.ok()) return make_error(ErrorCode::kIoError, "scan_log_write_failed", s.ToString());
  return Status::Ok();
}

ScanLogStats ScanLog::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {enqueued_, written_count_, dropped_, batches_, static_cast<int64_t>(queue_.size())};
}

}  // namespace agritrace::api
