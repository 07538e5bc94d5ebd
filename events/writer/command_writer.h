// CommandWriter: the single writer in front of the ledger. Commands are queued from any thread;
// one writer thread takes them in groups, checks Idempotency-Keys, runs the pure deciders against
// the in-memory write model (core::TenantState per tenant), chains hashes, appends the whole group
// in one durable ledger append (group commit) and only then completes each command.
// On start it folds the whole ledger into the write model (state, hash chain heads, keys seen).
// Generated trace codes and Idempotency-Key records are not held in memory: they live in the
// writer index (events/writer/writer_index.h), on disk in the data folder when index_path is set.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/credentials.h"
#include "core/base/status.h"
#include "core/domain/command.h"
#include "events/cluster/partition_ownership.h"
#include "events/envelope/envelope.h"
#include "events/ledger/ledger.h"
#include "core/base/env.h"

namespace agritrace::events {

class PiiVault;  // events/pii/pii_vault.h


struct EventRef {
  std::string id;
  std::string type;
  std::string subject;
  Position position;
};

// What a command answers; identical for the first call and for every retry with the same key.
struct CommandOutcome {
  std::string command_id;
  std::vector<EventRef> events;
  bool replayed = false;  // true when answered from the Idempotency-Key record
};

struct CommandSubmission {
  std::string command_name;  // e.g. "create_purchase_order", for the audit trail and metrics
  std::string tenant;
  std::string actor;
  std::string idempotency_key;  // may be empty (no retry protection)
  std::string request_hash;     // fingerprint of the request, to refuse a key reused for another one
  std::string source;           // the client's address ("ip:port"), for the audit trail
  core::Command command;
  std::function<void(Result<CommandOutcome>)> done;  // called exactly once, on the writer thread
};

struct CommandWriterStats {
  uint64_t commands_accepted = 0;
  uint64_t commands_rejected = 0;
  uint64_t events_appended = 0;
  uint64_t appends = 0;
  uint64_t commands_shed = 0;  // refused writer_queue_full (back-pressure), never queued
  size_t queued = 0;           // commands waiting for the writer thread right now
};

// Also the node's side of a partition handover (events/cluster/partition_ownership.h): catch_up()
// folds a partition up to its end before this node owns it, quiesce() waits for the in-flight
// group after partitions were taken away.
class CommandWriter : public PartitionHandover {
 public:
  ~CommandWriter() override = default;
  virtual void submit(CommandSubmission submission) = 0;
  // The bulk path (EPCIS capture, ERP uploads): queues every submission at once, in order, so the
  // writer takes them into as few groups as max_group_commands allows (one ledger transaction per
  // group) instead of one group per round trip. Each command keeps every guarantee of submit():
  // decided in order, durable before its `done`, Idempotency-Key checked, fenced. Admission is
  // all or none: when the queue cannot take them all, every one is answered writer_queue_full.
  virtual void submit_all(std::vector<CommandSubmission> submissions) = 0;
  // Credentials as of the last acknowledged command (core/accounts/credentials.h): a key revoked
  // or rotated by an acknowledged command is gone here before its answer is sent.
  virtual std::optional<core::KeyGrant> find_api_key(std::string_view key_sha256) const = 0;
  virtual std::optional<core::UserCredential> find_user(std::string_view tenant,
                                                        std::string_view username) const = 0;
  virtual bool tenant_registered(std::string_view tenant) const = 0;
  virtual CommandWriterStats stats() const = 0;
  virtual void stop() = 0;  // finishes the queued commands, refuses new ones, joins the thread
};

inline constexpr int64_t kDefaultIdempotencyRetentionMs = 7LL * 24 * 3600 * 1000;  // 7 days

// One line of the audit trail: every command, accepted or refused.
struct AuditRecord {
  int64_t at_ms = 0;
  std::string tenant;
  std::string actor;
  std::string command_name;
  std::string idempotency_key;
  std::string outcome;  // "accepted", "replayed" or the refusal reason
  std::string command_id;
  std::string source;   // the client's address
  std::optional<ErrorCode> error;  // the refusal's class; unset when accepted or replayed
};

inline constexpr size_t kDefaultMaxQueuedCommands = 4096;

struct CommandWriterOptions {
  size_t max_group_commands = 256;
  // Back-pressure: at most this many commands wait for the writer thread (the group being
  // processed not counted). A command submitted to a full queue is answered at once 503
  // `writer_queue_full` (kUnavailable, HTTP adds Retry-After) instead of growing memory without
  // bound; it is not in the audit trail (like `server_stopping`, it never reached the writer).
  size_t max_queued_commands = kDefaultMaxQueuedCommands;
  // The audit trail: called on the writer thread once per group with the record of every command
  // of the group, before any of them is answered; it must make them durable (fsync) before it
  // returns. When it fails, the group's commands answer 503 `audit_unavailable` (an accepted
  // command is in the ledger all the same: a retry with its Idempotency-Key answers it).
  std::function<Status(const std::vector<AuditRecord>&)> audit;
  // The clock (each event's instant, the rules' calendar day) and the CSPRNG (event and command
  // ids). Null: the POSIX Env.
  Env* env = nullptr;
  // The writer index folder (e.g. DATA/writer-index); empty: kept in memory (tests).
  std::string index_path;
  // How long an Idempotency-Key answers its first command, measured by the Env clock from the
  // instant the ledger recorded that command. An older retry answers 409 idempotency_key_expired.
  int64_t idempotency_retention_ms = kDefaultIdempotencyRetentionMs;
  // Seals personal data before events are encoded and opens it when the ledger is folded
  // (null: payloads hold personal data in clear, as before issue 16).
  PiiVault* pii = nullptr;
  // Several writer nodes on one Kafka topic (issue 17, R-8; events/cluster/kafka_ownership.h):
  // a command whose tenant's partition this node does not own is refused kUnavailable
  // `partition_not_owned` (message naming the owner when known); the ledger must be opened with
  // per_partition_writers, a group's events are appended one transaction per partition. The
  // writer keeps folding the partitions it does not own (before each group and every
  // tail_interval_ms when idle): other enterprises' facts, credentials, Idempotency-Keys.
  // Null: this node owns every partition (embedded ledger, tools, a lone serve), as before.
  PartitionOwnership* ownership = nullptr;
  int32_t tail_interval_ms = 20;
};

// Folds the existing ledger (blocking) and starts the writer thread.
Result<std::unique_ptr<CommandWriter>> start_command_writer(Ledger& ledger,
                                                            CommandWriterOptions options = {});

}  // namespace agritrace::events
