// The investigators' code index (issue 18: "a timeline of a code answers in under a second"):
// a RocksDB folder of their own, kept up to date from the ledger on every use, that maps each
// trace-code serial to the ledger positions of the events naming it, and each code run to its
// code_run.* events. A timeline then reads a few keys and those events by position instead of
// scanning the ledger. The index never touches the server's views (their digest is unchanged).
//
// What it indexes is exactly what the scan of replay::timeline matches: every JSON string of an
// event's payload, and its subject, that has the shape of a serial (13 or 16 letters and digits,
// core/codes: base32 and hex serials). Each entry also records whether the event linked to its
// tenant's previous one when indexed (sequence and prev_hash); a lookup recomputes the event's own
// hash, so both checks of the scan are made.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/ledger/ledger.h"
#include "replay/investigate.h"

namespace agritrace::replay {

class CodeIndex {
 public:
  // Opens (creating) the index folder.
  static Result<std::unique_ptr<CodeIndex>> open(const std::string& path);
  virtual ~CodeIndex() = default;

  // Indexes the events appended since the last call (the whole ledger the first time). The index
  // remembers the ledger it was built from: another ledger is refused (kInvalidArgument
  // "index_of_another_ledger").
  virtual Status catch_up(Env& env, events::Ledger& ledger, const ScanProgress& progress = {}) = 0;

  // Whether `serial` has the shape the index covers (else use the scan).
  static bool covers(const std::string& serial);

  // The timeline of a code (a serial or a Digital Link), as replay::timeline answers it, from the
  // index (call catch_up first). kNotFound kUnknownCode when no event names it.
  virtual Result<std::vector<LedgerEntry>> timeline(events::Ledger& ledger, const std::string& code,
                                                    const std::string& tenant) = 0;
};

// Reads the event at `position` (kCorruption "event_missing" when the ledger has none there).
Result<events::StoredEvent> read_event_at(events::Ledger& ledger, const events::Position& position);

}  // namespace agritrace::replay
