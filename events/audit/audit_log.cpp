#include "events/audit/audit_log.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <simdjson.h>

#include <charconv>

#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "core/base/json_writer.h"

namespace agritrace::events {
namespace {

constexpr std::string_view kGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Records under "r" + 20-digit seq (sorted), a tenant index under "t" + tenant + '\x1f' + seq.
std::string record_key(int64_t seq) { return fmt::format("r{:020d}", seq); }
std::string tenant_prefix(std::string_view tenant) {
  std::string k = "t";
  k += tenant;
  k.push_back('\x1f');
  return k;
}

// The stored value: "<hash>\n<body>", body the record's JSON with "prev" (the previous hash).
std::string body_of(const AuditEntry& e, int64_t seq, std::string_view prev) {
  JsonWriter w;
  w.begin_object()
      .field("seq", seq)
      .field("at", core::format_rfc3339_utc(e.at_ms))
      .field("kind", e.kind)
      .field("tenant", e.tenant)
      .field("principal", e.principal)
      .field("source", e.source)
      .field("operation", e.operation);
  if (e.status != 0) w.field("status", e.status);
  w.field("result", e.result);
  if (!e.command_id.empty()) w.field("command_id", e.command_id);
  if (!e.idempotency_key.empty()) w.field("idempotency_key", e.idempotency_key);
  w.field("prev", prev).end_object();
  return w.take();
}

Error broken(int64_t seq, std::string what) {
  return make_error(ErrorCode::kCorruption, "audit_chain_broken",
                    fmt::format("audit record {}: {} (the audit trail was altered)", seq, what));
}

}  // namespace

struct AuditLog::Impl {
  std::unique_ptr<rocksdb::DB> db;
  mutable std::mutex mu;  // appends (the chain head)
  int64_t seq = 0;
  std::string head = std::string(kGenesis);

  // Checks every record from the first; returns the head.
  Status walk(int64_t* last, std::string* head_hash) const {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    int64_t expect = 1;
    std::string prev(kGenesis);
    simdjson::ondemand::parser parser;
    for (it->Seek("r"); it->Valid() && it->key().starts_with("r"); it->Next(), ++expect) {
      if (it->key().ToString() != record_key(expect)) return broken(expect, "missing");
      const std::string value = it->value().ToString();
      const size_t nl = value.find('\n');
      if (nl != 64) return broken(expect, "malformed");
      const std::string hash = value.substr(0, nl);
      const std::string body = value.substr(nl + 1);
      if (core::sha256_hex(body) != hash)
        return broken(expect, "its hash does not match its bytes");
      simdjson::padded_string padded(body);
      auto doc = parser.iterate(padded);
      std::string_view stored_prev;
      int64_t stored_seq = 0;
      if (doc["seq"].get_int64().get(stored_seq) || stored_seq != expect ||
          doc["prev"].get_string().get(stored_prev)) {
        return broken(expect, "malformed");
      }
      if (stored_prev != prev) return broken(expect, "it does not follow the previous record");
      prev = hash;
    }
    if (!it->status().ok()) {
      return make_error(ErrorCode::kIoError, "audit_read_failed", it->status().ToString());
    }
    *last = expect - 1;
    *head_hash = prev;
    return Status::Ok();
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  return open_db(path, false);
}

Result<std::unique_ptr<AuditLog>> AuditLog::open_read_only(const std::string& path) {
  return open_db(path, true);
}

Result<std::unique_ptr<AuditLog>> AuditLog::open_db(const std::string& path, bool read_only) {
  rocksdb::Options opts;
  opts.create_if_missing = !read_only;
  opts.paranoid_checks = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(opts, path, &raw)
                                : rocksdb::DB::Open(opts, path, &raw);
  if (!s.ok()) {
    return make_error(ErrorCode::kIoError, "audit_open_failed",
                      fmt::format("cannot open the audit trail at {}: {}", path, s.ToString()));
  }
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  if (Status w = impl->walk(&impl->seq, &impl->head); !w.ok()) return w.error();
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Status AuditLog::append(const std::vector<AuditEntry>& entries, bool sync) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard lock(impl_->mu);
  rocksdb::WriteBatch batch;
  int64_t seq = impl_->seq;
  std::string head = impl_->head;
  for (const AuditEntry& e : entries) {
    ++seq;
    const std::string body = body_of(e, seq, head);
    head = core::sha256_hex(body);
    batch.Put(record_key(seq), head + "\n" + body);
    batch.Put(tenant_prefix(e.tenant) + fmt::format("{:020d}", seq), "");
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = impl_->db->Write(wo, &batch);
  if (!s.ok()) return make_error(ErrorCode::kIoError, "audit_write_failed", s.ToString());
  impl_->seq = seq;
  impl_->head = std::move(head);
  return Status::Ok();
}

Result<AuditLog::Page> AuditLog::query(const std::string* tenant, int64_t after_seq,
                                       size_t limit) const {
  Page page;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = tenant ? tenant_prefix(*tenant) : std::string("r");
  const std::string start =
      tenant ? prefix + fmt::format("{:020d}", after_seq + 1) : record_key(after_seq + 1);
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix) && page.records.size() < limit;
       it->Next()) {
    const std::string digits = it->key().ToString().substr(prefix.size());
    int64_t seq = 0;
    auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size()) {
      return broken(page.next_after + 1, "malformed index key");
    }
    std::string value;
    if (tenant) {
      rocksdb::Status g = impl_->db->Get(rocksdb::ReadOptions(), record_key(seq), &value);
      if (!g.ok()) return broken(seq, "indexed but missing");
    } else {
      value = it->value().ToString();
    }
    const size_t nl = value.find('\n');
    if (nl == std::string::npos) return broken(seq, "malformed");
    page.records.push_back(value.substr(nl + 1));
    page.next_after = seq;
  }
  if (!it->status().ok()) {
    return make_error(ErrorCode::kIoError, "audit_read_failed", it->status().ToString());
  }
  return page;
}

Status AuditLog::verify() const {
  int64_t last = 0;
  std::string head;
  return impl_->walk(&last, &head);
}

int64_t AuditLog::last_seq() const {
  std::lock_guard lock(impl_->mu);
  return impl_->seq;
}

std::pair<int64_t, std::string> AuditLog::head() const {
  std::lock_guard lock(impl_->mu);
  return {impl_->seq, impl_->head};
}

Result<std::optional<std::string>> AuditLog::hash_at(int64_t seq) const {
  std::string value;
  rocksdb::Status g = impl_->db->Get(rocksdb::ReadOptions(), record_key(seq), &value);
  if (g.IsNotFound()) return std::optional<std::string>();
  if (!g.ok()) return make_error(ErrorCode::kIoError, "audit_read_failed", g.ToString());
  const size_t nl = value.find('\n');
  if (nl == std::string::npos) return broken(seq, "malformed");
  return std::optional<std::string>(value.substr(0, nl));
}

}  // namespace agritrace::events
