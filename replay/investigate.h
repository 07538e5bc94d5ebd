// The investigator's reads of the ledger itself (issue 18): the timeline of a code or a lot, what
// was recorded between two instants, and an enterprise's events with their hash-chain status for
// an external auditor. Every read scans the ledger once and checks every tenant's hash chain on
// the way (there is no index: the cost is linear in the ledger, docs/INVESTIGATION.md).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "events/ledger/ledger.h"

namespace agritrace::replay {

// Reasons of the errors below (the CLI maps each to its own exit code).
inline constexpr const char* kUnknownCode = "unknown_code";
inline constexpr const char* kUnknownLot = "unknown_lot";
inline constexpr const char* kUnknownTenant = "unknown_tenant";

// One event as an investigator sees it.
struct LedgerEntry {
  events::Position position;
  events::Envelope envelope;
  std::string enterprise;  // the tenant's registered name ("" when the ledger has none)
  bool verified = true;    // its hash and its link to the tenant's previous event recompute
  std::string problem;     // why not, when not verified
};

// An entry's hash-chain link in its JSON forms (audit lines, timelines): prev_hash, hash, verified,
// and the problem when not verified.
void write_chain_link(JsonWriter& w, const LedgerEntry& x);

// (events read, events in the ledger, seconds) after every poll.
using ScanProgress = std::function<void(uint64_t, uint64_t, double)>;

// What a scan keeps: events of `tenant` (all when empty) recorded in [from_ms, to_ms] that `keep`
// accepts (all when null). Entries come ordered by recorded time, then partition and offset.
struct ScanFilter {
  std::string tenant;
  int64_t from_ms = std::numeric_limits<int64_t>::min();
  int64_t to_ms = std::numeric_limits<int64_t>::max();
  std::function<bool(const events::Envelope&)> keep;
  uint64_t* tenant_events = nullptr;  // when set: counts every event of `tenant`, in the window or not
};
Result<std::vector<LedgerEntry>> scan_ledger(Env& env, events::Ledger& ledger, const ScanFilter& filter,
                                             const ScanProgress& progress = {});

// The two checks of every event read: its link to the tenant's previous event (whose sequence and
// hash are given) and its own hash. "" when it passes, else what is wrong.
std::string link_problem(int64_t head_seq, const std::string& head_hash, const events::Envelope& e);
std::string hash_problem(const events::Envelope& e);

// The serial of a code given as a bare serial or a GS1 Digital Link URI / path.
Result<std::string> code_serial(const std::string& code);

// What a timeline follows: a code (a bare serial or a GS1 Digital Link URI) or a lot / batch id
// ("lot-3", "b-2"), optionally of one enterprise.
struct TimelineQuery {
  std::string code;
  std::string lot;
  std::string tenant;
};
// Every event that touched it, in order. A code: every event naming its serial, and the events of
// its code run (code_run.*, codes.generated of the run). A lot: every event of the enterprise (all
// enterprises without `tenant`) whose subject is the id or whose payload names it as a value.
// kNotFound kUnknownCode / kUnknownLot when nothing touched it; digital-link errors as parsed.
Result<std::vector<LedgerEntry>> timeline(Env& env, events::Ledger& ledger, const TimelineQuery& q,
                                          const ScanProgress& progress = {});

// The events recorded in (from_ms, to_ms], of the lot of `lot` when given (as in timeline()).
Result<std::vector<LedgerEntry>> recorded_between(Env& env, events::Ledger& ledger, int64_t from_ms, int64_t to_ms,
                                                  const TimelineQuery& lot, const ScanProgress& progress = {});

// The events of `tenant` recorded in [from_ms, to_ms], each verified from the tenant's first
// event (kNotFound kUnknownTenant when the ledger has no event of it).
Result<std::vector<LedgerEntry>> audit_events(Env& env, events::Ledger& ledger, const std::string& tenant,
                                              int64_t from_ms, int64_t to_ms, const ScanProgress& progress = {});

// One JSON line of the audit export: every field the chain hash covers, payload bytes as a string,
// the stored hashes and the verification status (docs/INVESTIGATION.md: "Checking an export").
std::string audit_line(const LedgerEntry& e);

}  // namespace agritrace::replay
