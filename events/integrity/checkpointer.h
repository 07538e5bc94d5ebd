// Where checkpoints live, how a ledger is checked against them (serve at start, verify offline),
// and the Checkpointer that writes them while the server runs.
//
// Every checkpoint is written to three places, so that erasing one copy is not enough to hide a
// truncation or a rewrite (docs/SECURITY.md, "Integrity of data"):
//   - the manifest (DATA/ledger.manifest, or DATA/ledger-kafka-<topic>.manifest): the newest
//     checkpoint, replaced atomically. It is also the marker that a ledger exists: a server refuses
//     to start when the manifest records events and the ledger is gone or empty. Written even
//     without a signing key (then unsigned: it still catches loss, not a determined attacker).
//   - the checkpoint log (--checkpoint-dir, DATA by default; operators point it at another disk or
//     ship it off-site): every signed checkpoint, appended and synced. Only with a signing key.
//   - inside the ledger itself (the embedded ledger's metadata key m:checkpoint): travels with
//   every
//     backup of the ledger. The Kafka ledger has no such place (docs/OPERATIONS.md).
// The checks use the newest checkpoint found among all copies (and any extra file given, such as an
// off-site copy); every signed one must verify with the public key.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/integrity/checkpoint.h"
#include "events/ledger/ledger.h"

namespace agritrace::events {

struct CheckpointFiles {
  std::string manifest;            // newest checkpoint (always written)
  std::string log;                 // signed checkpoints, appended (written only with a key)
  std::vector<std::string> extra;  // read only: off-site copies given to verify
};

struct LedgerCheck {
  ChainFold fold;
  IntegrityReport report;            // the first finding, or kIntact
  std::optional<Checkpoint> newest;  // the newest checkpoint compared against
  std::string newest_origin;         // where it was found
  size_t checkpoints_seen = 0;
};

// Reads every checkpoint copy (files that do not exist are skipped; an unreadable line is a
// kCorruption error naming the file and line). `ledger_name`: "embedded" or "kafka:<topic>";
// copies of other ledgers are ignored.
struct FoundCheckpoint {
  Checkpoint checkpoint;
  std::string origin;  // "FILE line N" or "the ledger"
};
Result<std::vector<FoundCheckpoint>> load_checkpoints(Env& env, Ledger* ledger,
                                                      const CheckpointFiles& files,
                                                      const std::string& ledger_name);

// Folds the whole ledger, checks every link and compares it with the newest checkpoint. With a
// public key, a checkpoint with a bad signature is kCheckpointForged. Errors reading the ledger are
// returned as errors (kCorruption for damaged storage).
Result<LedgerCheck> check_ledger(Env& env, Ledger& ledger,
                                 const std::vector<FoundCheckpoint>& found,
                                 const std::optional<std::string>& public_key);

struct CheckpointerOptions {
  Env* env = nullptr;
  std::string ledger_name;
  std::optional<SigningKey> key;  // none: unsigned manifest only
  CheckpointFiles files;
  uint64_t every_events = 1000;  // a checkpoint after this many new events...
  int64_t every_ms = 60'000;     // ...or this long (Env clock) after the last one with news
  // The audit trail's head, recorded (and signed) in every checkpoint; none: not recorded.
  std::function<AuditHead()> audit_head;
};

// Follows the ledger on its own reader (like a projection), keeps the chain heads and writes a
// checkpoint every N events or T ms, and a final one at stop().
class Checkpointer {
 public:
  // `check` is the start-up check whose fold the checkpointer continues from.
  Checkpointer(Ledger& ledger, CheckpointerOptions options, LedgerCheck check);
  ~Checkpointer();
  // Writes a first checkpoint when there is none or the ledger has grown, then starts the thread.
  Status start();
  // Reads to the end of the ledger, writes a final checkpoint, joins the thread.
  Status stop();
  uint64_t written() const { return written_.load(); }
  // Waits (at most timeout_ms) until at least n checkpoints were written by this process.
  bool wait_written(uint64_t n, int32_t timeout_ms);
  // Waits (at most timeout_ms) until the thread has folded at least n events and decided whether
  // they were due (tests step the Env clock only after that).
  bool wait_observed(uint64_t n, int32_t timeout_ms);
  std::string last_error() const;

 private:
  void run();
  Status write_checkpoint();
  Ledger& ledger_;
  CheckpointerOptions options_;
  ChainFold fold_;
  uint64_t number_ = 0;
  uint64_t folded_at_last_ = 0;
  int64_t last_ms_ = 0;
  std::unique_ptr<LedgerReader> reader_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> observed_{0};
  mutable std::mutex mu_;
  std::condition_variable written_cv_;
  std::string last_error_;
};

}  // namespace agritrace::events
