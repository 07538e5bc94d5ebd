// Audit and recall tools over the ledger: rebuild every view from scratch (replay) and check
// every tenant's SHA-256 hash chain (verify).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/base/status.h"
#include "events/ledger/ledger.h"
#include "core/base/env.h"

namespace agritrace::events {
class PiiVault;  // events/pii/pii_vault.h
}  // namespace agritrace::events

namespace agritrace::replay {

struct ReplayReport {
  uint64_t events = 0;
  double seconds = 0;
  std::string digest;  // SHA-256 of the rebuilt views
};

// Deletes the views at views_path and rebuilds them from the whole ledger. on_progress receives
// (events so far, total events, seconds so far, on env's monotonic clock) after every batch.
// `pii` (may be null) opens sealed personal data, as the server does.
Result<ReplayReport> rebuild_views(Env& env, events::Ledger& ledger, const std::string& views_path,
                                   const std::function<void(uint64_t, uint64_t, double)>& on_progress = {},
                                   const events::PiiVault* pii = nullptr);

struct VerifyReport {
  uint64_t events = 0;
  uint64_t tenants = 0;
  bool intact = true;
  std::string first_broken;  // "tenant T seq N at p:o: reason"
};

// Reads the whole ledger and recomputes every hash; stops at the first broken link.
Result<VerifyReport> verify_chains(events::Ledger& ledger);

}  // namespace agritrace::replay
