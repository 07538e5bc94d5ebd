// The stored form of an EPCIS event in the interchange view (epcis/T/...): the event with the
// identifiers known when it was applied; a serial's GTIN may be empty (resolved when read).
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/interchange/epcis.h"

namespace agritrace::projections::interchange {

struct StoredEpcis {
  core::epcis::Event event;
  std::string ledger_event_id;  // the envelope id it was derived from
};

std::string encode_stored(const StoredEpcis& stored);
Result<StoredEpcis> decode_stored(std::string_view json);

}  // namespace agritrace::projections::interchange
