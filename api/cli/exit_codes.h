// The exit codes of the whole `agritrace` CLI: one table, one meaning per number, whatever the
// command (verify, serve, backup, restore, replay --as-of, investigate, audit). The table for
// users: docs/OPERATIONS.md#exit-codes.
#pragma once

#include "events/integrity/checkpoint.h"

namespace agritrace::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // I/O, unreachable ledger, anything else
inline constexpr int kExitUsage = 2;    // unknown flag, missing flag, unreadable instant
// The ledger's integrity (a Finding of verify or of serve's start-up check).
inline constexpr int kExitChainBroken = 3;       // a broken hash-chain link (altered event, gap)
inline constexpr int kExitLedgerCorrupt = 4;     // damaged storage: ledger bytes that do not decode
inline constexpr int kExitTruncated = 5;         // shorter than a signed checkpoint
inline constexpr int kExitTenantErased = 6;      // a checkpointed tenant has no event
inline constexpr int kExitRewritten = 7;         // a checkpointed event has another hash
inline constexpr int kExitCheckpointForged = 8;  // a checkpoint's signature does not verify
inline constexpr int kExitLedgerVanished = 9;    // no ledger, but a checkpoint records events
// The investigator's questions (replay --as-of, investigate, audit, serve --views).
inline constexpr int kExitBeforeStart = 10;  // an instant before the first event, or no event
inline constexpr int kExitFuture = 11;       // an instant after now (the Env clock)
inline constexpr int kExitUnknown = 12;      // unknown code, lot, enterprise or recall
inline constexpr int kExitNoViews = 13;      // --views DIR is not a folder made by replay --as-of
// The regulators' feed (subscribe): the broker refused the principal (bad credentials, no ACL).
inline constexpr int kExitNotAuthorized = 14;
// import (R-5.2 ERP uploads): the file or some of its rows were refused (the error report's
// address is printed).
inline constexpr int kExitUploadRefused = 15;

// The exit code of an integrity finding (kExitOk for an intact ledger).
constexpr int exit_code_of(events::Finding f) {
  switch (f) {
    case events::Finding::kIntact:
      return kExitOk;
    case events::Finding::kChainBroken:
      return kExitChainBroken;
    case events::Finding::kTruncated:
      return kExitTruncated;
    case events::Finding::kTenantErased:
      return kExitTenantErased;
    case events::Finding::kRewritten:
      return kExitRewritten;
    case events::Finding::kCheckpointForged:
      return kExitCheckpointForged;
    case events::Finding::kLedgerVanished:
      return kExitLedgerVanished;
  }
  return kExitFailure;
}

}  // namespace agritrace::cli
