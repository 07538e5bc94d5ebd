#include "api/public/scan_log.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
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

bool ScanLog::record(ScanRecord r) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= options_.queue_capacity || stop_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(r));
    ++enqueued_;
  }
  cv_.notify_one();
  return true;
}

bool ScanLog::wait_written(int32_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t target = enqueued_;
  return written_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return written_count_ >= target; });
}

void ScanLog::run() {
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
    write_batch(batch);
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
      written_count_ += static_cast<int64_t>(batch.size());
      ++batches_;
    }
    written_.notify_all();
  }
}

void ScanLog::write_batch(std::vector<ScanRecord>& batch) {
  rocksdb::WriteBatch wb;
  std::map<std::string, std::string> touched;  // serial -> owner tenant
  for (const ScanRecord& r : batch) {
    const std::string value = encode(r);
    if (r.location_only) {
      wb.Put("c/" + r.serial + "/" + r.scan_id + "/loc", value);
    } else {
      wb.Put("c/" + r.serial + "/" + r.scan_id, value);
      wb.Put("u/" + r.consumer_id + "/" + r.scan_id, r.serial + "\t" + value);
    }
    if (!r.tenant.empty()) touched[r.serial] = r.tenant;
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::Status s = db_->Write(wo, &wb);
  if (!s.ok()) {
    std::fprintf(stderr, "agritrace: scan log write failed (%zu scans lost): %s\n", batch.size(),
                 s.ToString().c_str());
    std::lock_guard<std::mutex> lock(mu_);
    dropped_ += static_cast<int64_t>(batch.size());
    return;
  }
  // The alerts of the codes this batch touched, from all their scans.
  rocksdb::WriteBatch alerts;
  for (const auto& [serial, tenant] : touched) {
    const auto scans = code_scans(serial);
    const core::ScanSignals sig = signals(scans, serial);
    if (sig.warnings.empty()) continue;
    JsonWriter w;
    w.begin_object().field("serial", serial).field("enterprise_id", tenant);
    if (!scans.empty()) {
      w.field("gtin", scans.back().gtin)
          .field("lot", scans.back().lot)
          .field("product", scans.back().product)
          .field("batch_id", scans.back().batch_id);
    }
    w.field("scans", sig.count).field("consumers", sig.consumers);
    if (sig.first) {
      w.field("first_scanned_at", core::format_rfc3339_utc(sig.first->at_ms))
          .field("first_city", sig.first->city);
    }
    w.field("last_scanned_at", core::format_rfc3339_utc(scans.empty() ? 0 : scans.back().at_ms));
    w.key("warnings").begin_array();
    for (core::ScanWarning x : sig.warnings) w.value(core::scan_warning_name(x));
    w.end_array().field("detail", sig.detail).end_object();
    alerts.Put("a/" + tenant + "/" + serial, w.take());
  }
  if (alerts.Count() > 0) db_->Write(wo, &alerts);
}

std::vector<ScanRecord> ScanLog::code_scans(const std::string& serial) const {
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

core::ScanSignals ScanLog::signals(const std::vector<ScanRecord>& scans,
                                   const std::string& serial) const {
  std::vector<core::ScanFact> facts;
  facts.reserve(scans.size());
  for (const ScanRecord& r : scans) facts.push_back({r.at_ms, r.consumer_id, r.location, r.city});
  SoldLookup sold;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sold = sold_;
  }
  return core::scan_signals(std::move(facts), sold ? sold(serial) : std::nullopt,
                            options_.thresholds);
}

ScanLogStats ScanLog::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {enqueued_, written_count_, dropped_, batches_, static_cast<int64_t>(queue_.size())};
}

}  // namespace agritrace::api
