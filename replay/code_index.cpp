#include "replay/code_index.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "projections/base/keys.h"

namespace agritrace::replay {

namespace {

// Keys: "n" -> the ledger it indexes; "o" + partition -> next offset; "h" + tenant -> "seq hash"
// (the tenant's chain head); "e" + tenant -> its name; "c" + serial + "\0" + position -> link
// problem ("" when linked); "r" + tenant + "\0" + run + "\0" + position -> link problem.
std::string be(uint64_t v, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

uint64_t from_be(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string pos_key(const events::Position& p) {
  return be(static_cast<uint32_t>(p.partition), 4) + be(static_cast<uint64_t>(p.offset), 8);
}

events::Position pos_of(std::string_view key_tail) {
  return events::Position{static_cast<int32_t>(from_be(key_tail.substr(0, 4))),
                          static_cast<int64_t>(from_be(key_tail.substr(4, 8)))};
}

bool serial_shaped(std::string_view s) {
  if (s.size() != 13 && s.size() != 16) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// Every JSON string (values and keys) of `json` with the shape of a serial.
void serial_tokens(std::string_view json, std::set<std::string>& out) {
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    size_t j = i + 1;
    bool escaped = false;
    while (j < json.size() && json[j] != '"') {
      escaped = escaped || json[j] == '\\';
      j += json[j] == '\\' ? 2 : 1;
    }
    if (j >= json.size()) return;
    std::string_view token = json.substr(i + 1, j - i - 1);
    if (!escaped && serial_shaped(token)) out.emplace(token);
    i = j;
  }
}

Error io(const rocksdb::Status& s) {
  return make_error(ErrorCode::kIoError, "index_io_error", "code index: " + s.ToString());
}

class RocksCodeIndex : public CodeIndex {
 public:
  explicit RocksCodeIndex(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

  Status catch_up(Env& env, events::Ledger& ledger, const ScanProgress& progress) override {
    std::string indexed;
    rocksdb::Status got = db_->Get(rocksdb::ReadOptions(), "n", &indexed);
    if (got.ok() && indexed != ledger.describe()) {
      return make_error(ErrorCode::kInvalidArgument, "index_of_another_ledger",
                        fmt::format("the code index was built from {}, not from {}", indexed, ledger.describe()));
    }
    std::vector<int64_t> next(static_cast<size_t>(ledger.partition_count()), 0);
    for (size_t p = 0; p < next.size(); ++p) {
      std::string v;
      if (db_->Get(rocksdb::ReadOptions(), "o" + be(p, 4), &v).ok()) next[p] = static_cast<int64_t>(from_be(v));
    }
    std::map<std::string, std::pair<int64_t, std::string>> heads;  // loaded on first sight
    auto head = [&](const std::string& tenant) -> std::pair<int64_t, std::string>& {
      auto it = heads.find(tenant);
      if (it != heads.end()) return it->second;
      std::pair<int64_t, std::string> h{0, events::genesis_hash()};
      std::string v;
      if (db_->Get(rocksdb::ReadOptions(), "h" + tenant, &v).ok() && v.size() > 64) {
        h = {std::stoll(v.substr(65)), v.substr(0, 64)};
      }
      return heads.emplace(tenant, std::move(h)).first->second;
    };
    auto ends = ledger.end_offsets();
    if (!ends.ok()) return ends.error();
    uint64_t total = 0, done = 0;
    for (size_t p = 0; p < ends->size(); ++p) total += static_cast<uint64_t>(std::max<int64_t>(0, (*ends)[p] - next[p]));
    // Up to date: skip the poll (at the end it would wait its timeout). On Kafka the end counts the
    // transaction markers, so the index always polls once there (never skipping past an open
    // transaction's events, which the high watermark counts too).
    if (total == 0) return Status::Ok();
    const int64_t started = env.monotonic_ns();
    auto reader = ledger.open_reader(next);
    if (!reader.ok()) return reader.error();
    for (;;) {
      auto polled = (*reader)->poll(200, 4096);
      if (!polled.ok()) return polled.error();
      rocksdb::WriteBatch batch;
      std::set<std::string> touched;
      for (const events::StoredEvent& se : polled->events) {
        const events::Envelope& e = se.envelope;
        auto& h = head(e.tenant);
        const std::string link = link_problem(h.first, h.second, e);
        h = {e.tenant_seq, e.hash};
        touched.insert(e.tenant);
        const std::string at = pos_key(se.position);
        std::set<std::string> tokens;
        serial_tokens(e.payload_json, tokens);
        if (serial_shaped(e.subject)) tokens.insert(e.subject);
        for (const std::string& t : tokens) batch.Put("c" + t + std::string(1, '\0') + at, link);
        if (e.type.starts_with("code_run.")) {
          std::set<std::string> runs{e.subject};
          if (auto run = projections::json_string_field(e.payload_json, "run_id")) runs.insert(*run);
          for (const std::string& run : runs) {
            batch.Put("r" + e.tenant + std::string(1, '\0') + run + std::string(1, '\0') + at, link);
          }
        }
        if (e.type == "enterprise.registered") {
          if (auto id = projections::json_string_field(e.payload_json, "enterprise_id")) {
            batch.Put("e" + *id, projections::json_string_field(e.payload_json, "name").value_or(""));
          }
        }
        const auto p = static_cast<size_t>(se.position.partition);
        if (p < next.size()) next[p] = std::max(next[p], se.position.offset + 1);
        ++done;
      }
      for (const std::string& t : touched) {
        const auto& h = heads.at(t);
        batch.Put("h" + t, h.second + " " + std::to_string(h.first));
      }
      for (size_t p = 0; p < next.size(); ++p) batch.Put("o" + be(p, 4), be(static_cast<uint64_t>(next[p]), 8));
      batch.Put("n", ledger.describe());
      rocksdb::WriteOptions wo;
      if (rocksdb::Status w = db_->Write(wo, &batch); !w.ok()) return io(w);
      if (progress) progress(done, total, static_cast<double>(env.monotonic_ns() - started) / 1e9);
      if (polled->at_end) break;
    }
    return Status::Ok();
  }

  Result<std::vector<LedgerEntry>> timeline(events::Ledger& ledger, const std::string& code,
                                            const std::string& tenant) override {
    auto serial = code_serial(code);
    if (!serial.ok()) return serial.error();
    std::vector<LedgerEntry> found;
    std::set<std::string> seen;
    Status read = read_prefix(ledger, "c" + *serial + std::string(1, '\0'), tenant, found, seen);
    if (!read.ok()) return read.error();
    std::set<std::pair<std::string, std::string>> runs;  // as replay::timeline collects them
    for (const LedgerEntry& x : found) {
      if (x.envelope.type.starts_with("code_run.")) continue;
      if (auto run = projections::json_string_field(x.envelope.payload_json, "run_id")) {
        runs.emplace(x.envelope.tenant, *run);
      }
    }
    for (const auto& [t, run] : runs) {
      read = read_prefix(ledger, "r" + t + std::string(1, '\0') + run + std::string(1, '\0'), tenant, found, seen);
      if (!read.ok()) return read.error();
    }
    std::vector<LedgerEntry> out;
    for (LedgerEntry& x : found) {
      const events::Envelope& e = x.envelope;
      if (e.type.starts_with("code_run.") && !runs.count({e.tenant, e.subject}) &&
          !runs.count({e.tenant, projections::json_string_field(e.payload_json, "run_id").value_or("")})) {
        continue;
      }
      std::string name;
      if (db_->Get(rocksdb::ReadOptions(), "e" + e.tenant, &name).ok()) x.enterprise = name;
      out.push_back(std::move(x));
    }
    if (out.empty()) {
      return make_error(ErrorCode::kNotFound, kUnknownCode,
                        fmt::format("no event of the ledger names the code {}", *serial), "code");
    }
    std::sort(out.begin(), out.end(), [](const LedgerEntry& a, const LedgerEntry& b) {
      return std::tie(a.envelope.recorded_at_ms, a.position.partition, a.position.offset) <
             std::tie(b.envelope.recorded_at_ms, b.position.partition, b.position.offset);
    });
    return out;
  }

 private:
  // Reads the events of the index entries under `prefix` (of `tenant` when given) into `out`.
  Status read_prefix(events::Ledger& ledger, const std::string& prefix, const std::string& tenant,
                     std::vector<LedgerEntry>& out, std::set<std::string>& seen) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const std::string_view tail(it->key().data() + prefix.size(), it->key().size() - prefix.size());
      if (tail.size() != 12 || !seen.insert(std::string(tail)).second) continue;
      auto event = read_event_at(ledger, pos_of(tail));
      if (!event.ok()) return event.error();
      if (!tenant.empty() && event->envelope.tenant != tenant) continue;
      LedgerEntry x;
      x.position = event->position;
      x.problem = it->value().ToString();
      if (x.problem.empty()) x.problem = hash_problem(event->envelope);
      x.verified = x.problem.empty();
      x.envelope = std::move(event->envelope);
      out.push_back(std::move(x));
    }
    if (!it->status().ok()) return io(it->status());
    return Status::Ok();
  }

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

bool CodeIndex::covers(const std::string& serial) { return serial_shaped(serial); }

Result<std::unique_ptr<CodeIndex>> CodeIndex::open(const std::string& path) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, path, &raw);
  if (!s.ok()) return io(s);
  return std::unique_ptr<CodeIndex>(std::make_unique<RocksCodeIndex>(std::unique_ptr<rocksdb::DB>(raw)));
}

Result<events::StoredEvent> read_event_at(events::Ledger& ledger, const events::Position& position) {
  auto ends = ledger.end_offsets();
  if (!ends.ok()) return ends.error();
  const auto p = static_cast<size_t>(position.partition);
  auto missing = [&] {
    return make_error(ErrorCode::kCorruption, "event_missing",
                      fmt::format("the ledger has no event at {}", position.to_string()));
  };
  if (p >= ends->size() || position.offset >= (*ends)[p]) return missing();
  std::vector<int64_t> from = *ends;
  from[p] = position.offset;
  auto reader = ledger.open_reader(from);
  if (!reader.ok()) return reader.error();
  for (;;) {
    auto polled = (*reader)->poll(200, 1);
    if (!polled.ok()) return polled.error();
    for (events::StoredEvent& se : polled->events) {
      if (se.position.partition == position.partition && se.position.offset >= position.offset) {
        if (se.position.offset != position.offset) return missing();
        return std::move(se);
      }
    }
    if (polled->at_end) return missing();
  }
}

}  // namespace agritrace::replay
