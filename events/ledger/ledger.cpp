#include "events/ledger/ledger.h"

#include <xxhash.h>

namespace agritrace::events {

int32_t Ledger::partition_for(std::string_view tenant) const {
  const uint64_t h = XXH3_64bits(tenant.data(), tenant.size());
  return static_cast<int32_t>(h % static_cast<uint64_t>(partition_count()));
}

}  // namespace agritrace::events
