// Signed checkpoints of every tenant's hash-chain head (issue 16, R-7): what catches the
// alterations a per-tenant SHA-256 chain cannot catch on its own, because the chain is unkeyed:
// deleting the newest events (truncation), erasing a tenant, and editing a payload then recomputing
// every later hash (a rewrite).
//
// A checkpoint lists, for one instant, each tenant's (seq, hash, position) and each partition's end
// offset, numbered 1, 2, 3... and signed with Ed25519 (libsodium). Verification needs only the
// public key, offline. The signing key lives in a file outside the data folder.
//
// A ChainFold reads the ledger once, checks every link as it goes (the unkeyed chain: sequence,
// prev_hash, hash of the bytes) and remembers the heads; compare() then says whether the ledger
// extends a checkpoint, and if not, precisely how (which tenant, which position, what was
// expected).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/envelope/envelope.h"
#include "events/ledger/ledger.h"

namespace agritrace::events {

// ---- keys ----
struct SigningKey {
  std::string secret;      // crypto_sign_SECRETKEYBYTES raw bytes
  std::string public_key;  // crypto_sign_PUBLICKEYBYTES raw bytes
};
// A new key pair from 32 bytes of the Env's CSPRNG.
Result<SigningKey> generate_signing_key(Env& env);
// Key files hold one line of lowercase hex: "agritrace-ed25519-secret <hex>" / "...-public <hex>".
std::string format_secret_key_file(const SigningKey& key);
std::string format_public_key_file(const SigningKey& key);
Result<SigningKey> parse_secret_key_file(std::string_view text);
Result<std::string> parse_public_key_file(std::string_view text);  // raw public key bytes
std::string key_id(std::string_view public_key);                   // 16 hex chars

// ---- checkpoints ----
struct TenantHead {
  std::string tenant;
  int64_t seq = 0;
  std::string hash;
  Position position;
};

// The newest record of the audit trail (events/audit) when a checkpoint was taken: deleting the
// trail's newest records is caught by the next start or verify (the trail must still hold it).
struct AuditHead {
  int64_t seq = 0;
  std::string hash;
};

struct Checkpoint {
  std::string ledger;   // "embedded" or "kafka:<topic>": which ledger, not where it is mounted
  uint64_t number = 0;  // 1, 2, 3... per ledger
  int64_t created_at_ms = 0;
  std::vector<int64_t> ends;        // next offset per partition
  std::vector<TenantHead> tenants;  // sorted by tenant
  std::optional<AuditHead> audit;   // signed when present; absent in checkpoints before it existed
  std::string key_id;               // empty: unsigned (a manifest written without a key)
  std::string signature;            // hex Ed25519 over body()

  uint64_t events = 0;         // not signed: informational (events folded when it was taken)
  std::string body() const;    // the canonical signed bytes
  std::string encode() const;  // one line of JSON (no newline)
  void sign(const SigningKey& key);
  bool signed_by(std::string_view public_key) const;  // a valid signature by this key
};
// kCorruption `checkpoint_unreadable` on anything that is not a checkpoint line.
Result<Checkpoint> decode_checkpoint(std::string_view line);

// ---- folding the ledger ----
// What a check found, from the most to the least fundamental. Each has its own exit code in
// `agritrace verify` / `serve` (see integrity_exit_code).
enum class Finding : uint8_t {
  kIntact,
  kChainBroken,       // a link of the unkeyed chain: altered bytes, sequence gap, prev_hash
  kTruncated,         // a tenant or partition is shorter than a signed checkpoint
  kTenantErased,      // a tenant of a checkpoint has no event at all
  kRewritten,         // the event at a checkpointed seq has another hash
  kCheckpointForged,  // a checkpoint whose signature does not verify with the public key
  kLedgerVanished,    // the ledger is missing or empty, but a checkpoint records events in it
};
const char* finding_name(Finding f);

struct IntegrityReport {
  Finding finding = Finding::kIntact;
  std::string detail;  // "tenant T seq N at p:o: expected ..., found ..."
};

class ChainFold {
 public:
  // Checks the link and remembers the head. A broken link is kept as the first finding; later
  // events are still counted but no longer checked.
  void observe(const StoredEvent& se);
  // When given before the fold, the hash each tenant had at the checkpoint's seq is recorded, so
  // compare() can tell a rewrite from an extension.
  void watch(const Checkpoint& c);
  const IntegrityReport& chain() const { return chain_; }
  uint64_t events() const { return events_; }
  size_t tenants() const { return heads_.size(); }
  // The offset after the last event folded, per partition (missing: 0).
  const std::vector<int64_t>& next_offsets() const { return next_; }
  // A checkpoint of the heads folded so far (unsigned; number and ledger to be set); its ends are
  // next_offsets() over `partitions` partitions.
  Checkpoint snapshot(int32_t partitions) const;
  // Does the folded ledger (with these end offsets) extend `c`?
  IntegrityReport compare(const Checkpoint& c, const std::vector<int64_t>& ends) const;

 private:
  struct Head {
    int64_t seq = 0;
    std::string hash = genesis_hash();
    Position position;
  };
  std::map<std::string, Head> heads_;
  std::map<std::string, std::pair<int64_t, std::string>> watched_;  // tenant -> (seq, hash seen)
  IntegrityReport chain_;
  uint64_t events_ = 0;
  std::vector<int64_t> next_;
};

// Reads the whole ledger into `fold` (every partition to its end). Reading errors are returned as
// they are (e.g. kCorruption `ledger_corrupt`, `kafka_offset_out_of_range`).
Status fold_ledger(Ledger& ledger, ChainFold* fold);

}  // namespace agritrace::events
