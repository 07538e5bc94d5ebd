#include "events/ledger/ledger.h"

#include <xxhash.h>

namespace agritrace::events {

int32_t Ledger::partition_for(std::string_view tenant) const {
  const uint64_t h = XXH3_64bits(tenant.data(), tenant.size());
  return static_cast<int32_t>(h % static_cast<uint64_t>(partition_count()));
}

Status Ledger::store_checkpoint(std::string_view /*text*/) {
  return make_error(ErrorCode::kInternal, "checkpoint_unsupported",
                    "this ledger keeps no checkpoint inside it: " + describe());
}

Result<std::string> Ledger::load_checkpoint() { return std::string(); }

Status Ledger::append_per_partition(const std::vector<Envelope>& events,
                                    std::vector<Position>* positions,
                                    std::map<int32_t, Status>* by_partition) {
  Status s = append(events, positions);
  if (by_partition != nullptr) {
    by_partition->clear();
    for (const Envelope& e : events) (*by_partition)[partition_for(e.tenant)] = s;
  }
  if (!s.ok() && positions != nullptr) positions->assign(events.size(), Position{-1, -1});
  return s;
}

Result<int64_t> Ledger::acquire_partition(int32_t /*partition*/,
                                          const std::atomic<bool>* /*cancel*/) {
  return make_error(ErrorCode::kInternal, "ownership_unsupported",
                    "this ledger has no per-partition writers: " + describe());
}

void Ledger::release_partition(int32_t /*partition*/) {}

bool Ledger::holds_partition(int32_t /*partition*/) const { return true; }

Status Ledger::append_fenced_record(int32_t /*partition*/, const std::string& /*topic*/,
                                    const std::string& /*key*/, const std::string& /*value*/,
                                    int32_t /*timeout_ms*/) {
  return make_error(ErrorCode::kInternal, "ownership_unsupported",
                    "this ledger has no per-partition writers: " + describe());
}

}  // namespace agritrace::events
