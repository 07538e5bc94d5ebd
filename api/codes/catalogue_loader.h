// the base catalogue shipped with the binary (api/codes/catalogue.json, compiled in) is
// appended to the ledger on start as catalogue.product_added events of tenant "platform" (actor
// "system"). Idempotent: the decider appends only the products the ledger does not have yet.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/base/status.h"
#include "events/writer/command_writer.h"

namespace agritrace::api {

std::string_view base_catalogue_json();

struct CatalogueLoad {
  int64_t added = 0;           // products appended now (0 when the ledger already had them all)
  events::Position last;       // position of the last appended event (offset -1 when none)
};

// Parses the catalogue and submits it.
Result<CatalogueLoad> load_base_catalogue(events::CommandWriter& writer, std::string_view json);

}  // namespace agritrace::api
