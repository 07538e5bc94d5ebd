// Views as of an instant (issue 18): the ledger as it stood at a moment, and every view rebuilt
// from it into a folder of its own that investigators query without touching production.
//
// "As of T" means: in every partition, the events recorded (envelope recorded_at) at or before T,
// up to the first one recorded after T. A tenant's events all live in one partition, so every hash
// chain and every tenant sequence of the prefix is whole, and the prefix is a state the ledger
// really had.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/ledger/ledger.h"

namespace agritrace::events {
class PiiVault;  // events/pii/pii_vault.h
}  // namespace agritrace::events

namespace agritrace::replay {

// Reasons of the errors below (the CLI maps each to its own exit code, docs/INVESTIGATION.md).
inline constexpr const char* kAsOfBeforeStart = "as_of_before_ledger_start";
inline constexpr const char* kAsOfInFuture = "as_of_in_future";
inline constexpr const char* kLedgerEmpty = "ledger_empty";

// A read-only view of `base` cut at `as_of_ms` (see the header comment). Appends are refused.
std::unique_ptr<events::Ledger> ledger_as_of(events::Ledger& base, int64_t as_of_ms);

// When the ledger started: the earliest recorded_at of the first event of every partition.
// Error kLedgerEmpty (kNotFound) when it holds no event.
Result<int64_t> ledger_start_ms(events::Ledger& ledger);

// Checks that `as_of_ms` lies between the ledger's start and env's now (kAsOfBeforeStart,
// kAsOfInFuture, kLedgerEmpty; each with a message naming both instants).
Status check_instant(Env& env, events::Ledger& ledger, int64_t as_of_ms, std::string_view field);

struct AsOfReport {
  int64_t as_of_ms = 0;
  uint64_t events = 0;
  double seconds = 0;
  std::string digest;  // SHA-256 of the views, as `agritrace replay` prints it
  std::string views;   // the views' folder (out_dir + "/views")
};

// Builds every view as of `as_of_ms` into out_dir/views (replacing what was there) and writes
// out_dir/as-of.json (instant, ledger, events, digest). on_progress as for rebuild_views.
Result<AsOfReport> build_views_as_of(Env& env, events::Ledger& ledger, const std::string& out_dir,
                                     int64_t as_of_ms,
                                     const std::function<void(uint64_t, uint64_t, double)>& on_progress = {},
                                     const events::PiiVault* pii = nullptr);

// The views folder of an as-of folder made by build_views_as_of (kNotFound "as_of_folder_missing"
// when `dir` holds none) and the instant it was built for.
struct AsOfFolder {
  std::string views;
  int64_t as_of_ms = 0;
  std::string ledger;
  int views_format = 1;  // projections::kViewsFormat of the build that wrote it
};
Result<AsOfFolder> open_as_of_folder(Env& env, const std::string& dir);
// Refuses (as_of_views_format) a folder whose views another format wrote: read them only if OK.
Status check_views_format(const AsOfFolder& folder);

}  // namespace agritrace::replay
