// AuditLog: the audit trail (GB/T 22239 level 2, issue 16): every command (accepted or refused),
// every login and its failures, every 401/403 and every other refused (4xx) request, with the
// source address, the principal, the operation, the result and the instant (the Env's clock).
//
// It is a RocksDB database of its own (DATA/audit), not ledger events: refused and
// unauthenticated requests are driven by whoever reaches the port, and must not grow the business
// ledger, its per-tenant hash chains (a 401 has no tenant) or the views' replay; and a Kafka
// ledger would otherwise need a broker round trip for every refusal. Like the ledger it is
// hash-chained: each record carries the SHA-256 of the previous one and its own, so editing,
// inserting or deleting a record inside the trail breaks the chain (verify() says where). Records
// of commands and logins are written with fsync before the answer is sent.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"

namespace agritrace::events {

struct AuditEntry {
  int64_t at_ms = 0;
  std::string kind;       // "command", "login", "logout", "request"
  std::string tenant;     // empty: not known (an unauthenticated request) or the platform
  std::string principal;  // "user:u-3", "key:key_x", "platform-operator", "anonymous"
  std::string source;     // the client's address
  std::string operation;  // the route's operationId or the command name
  int32_t status = 0;     // HTTP status when known
  std::string result;     // "accepted", "replayed", "ok" or the refusal's problem code
  std::string command_id = {};
  std::string idempotency_key = {};
};

class AuditLog {
 public:
  // Opens (creating) the trail at `path` and checks its whole chain: a broken chain is
  // kCorruption `audit_chain_broken` naming the record.
  static Result<std::unique_ptr<AuditLog>> open(const std::string& path);
  // The same check on a trail opened read-only (`agritrace verify`: never creates or writes).
  static Result<std::unique_ptr<AuditLog>> open_read_only(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends the entries in order, chained; with `sync`, durable (fsync) before it returns.
  // Thread-safe.
  Status append(const std::vector<AuditEntry>& entries, bool sync);

  struct Page {
    std::vector<std::string> records;  // JSON objects, oldest first
    int64_t next_after = 0;            // seq of the last record returned (0: none)
  };
  // Records after `after_seq`, at most `limit`; of one tenant, or of all when `tenant` is null.
  Result<Page> query(const std::string* tenant, int64_t after_seq, size_t limit) const;

  // Walks the whole chain: kCorruption `audit_chain_broken` at the first bad record.
  Status verify() const;
  int64_t last_seq() const;
  // The newest record: its seq and hash (0 and the genesis hash for an empty trail).
  std::pair<int64_t, std::string> head() const;
  // The hash of record `seq` (checked by open()); nullopt when the trail holds no such record.
  Result<std::optional<std::string>> hash_at(int64_t seq) const;

 private:
  struct Impl;
  static Result<std::unique_ptr<AuditLog>> open_db(const std::string& path, bool read_only);
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace agritrace::events
