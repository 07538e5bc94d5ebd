// The CLI side of ledger integrity (issue 16): where a data folder keeps its manifest and
// checkpoint log, the start-up check of `serve`, `verify` against signed checkpoints, and the
// signing key files. Each refusal prints one precise line and maps to a distinct exit code
// (api/cli/exit_codes.h: exit_code_of a Finding; kExitLedgerCorrupt for damaged storage).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "api/cli/exit_codes.h"
#include "core/base/env.h"
#include "core/base/status.h"
#include "events/audit/audit_log.h"
#include "events/integrity/checkpointer.h"
#include "events/ledger/ledger.h"

namespace agritrace::cli {

struct IntegrityPaths {
  std::string ledger_name;  // "embedded" or "kafka:<topic>"
  events::CheckpointFiles files;
};
// kafka_topic empty: the embedded ledger. checkpoint_dir empty: the data folder.
IntegrityPaths integrity_paths(const std::string& data, const std::string& kafka_topic,
                               const std::string& checkpoint_dir);

// The exit code for an error opening or reading a ledger: kExitLedgerCorrupt for damaged storage,
// else kExitFailure.
int integrity_exit_code_for(const Error& e);

// Before an embedded ledger is opened (opening creates a missing one): nonzero, after printing why,
// when the manifest records events and the ledger folder is gone.
int refuse_vanished_ledger(Env& env, const std::string& data, const IntegrityPaths& paths);

// The signing key of `serve`: a secret key file that must not be inside the data folder.
Result<events::SigningKey> load_signing_key(Env& env, const std::string& path,
                                            const std::string& data);

// Does the audit trail still hold the audit head `c` records (its record at that seq, with that
// hash)? kTruncated when not, naming the seq expected and what the trail holds; kIntact when it
// does or `c` records no audit head.
Result<events::IntegrityReport> check_audit_head(const events::AuditLog& audit,
                                                 const events::Checkpoint& c,
                                                 const std::string& origin);

// `serve`: folds the ledger, compares it with every checkpoint copy and (with `audit`) checks that
// the audit trail still holds the newest checkpoint's audit head; when intact, starts the
// checkpointer, which records `audit`'s head in every checkpoint. On a finding or an error prints
// it and sets *exit_code (nonzero) and returns null.
std::unique_ptr<events::Checkpointer> start_checkpointer(Env& env, events::Ledger& ledger,
                                                         const IntegrityPaths& paths,
                                                         std::optional<events::SigningKey> key,
                                                         uint64_t every_events, int64_t every_ms,
                                                         const events::AuditLog* audit,
                                                         int* exit_code);

// `verify`: the chain, then the checkpoints (checked against `public_key_file` when given), then
// the audit trail at `audit_path` (read-only, skipped when the folder does not exist) against the
// newest checkpoint's audit head. Prints the report on `out` and returns the exit code.
int run_verify(Env& env, events::Ledger& ledger, const IntegrityPaths& paths,
               const std::string& public_key_file, const std::string& audit_path, FILE* out);

// `keygen --out PREFIX`: PREFIX.key (secret, 0600) and PREFIX.pub; refuses to overwrite.
int run_keygen(Env& env, const std::string& prefix, FILE* out);

}  // namespace agritrace::cli
