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

}  // namespace agritrace::events
