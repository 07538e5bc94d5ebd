// the base catalogue shipped with the binary (api/catalogue.json, compiled in) is
// appended to the ledger on start as catalogue.product_added events of tenant "platform" (actor
// "system"). Idempotent: the decider appends only the products the ledger does not have yet.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "events/command_writer.h"

namespace agritrace::api {

std::string_view base_catalogue_json();

// Parses the catalogue and submits it; returns the number of products added (0 when the ledger
// already had them all).
Result<int64_t> load_base_catalogue(events::CommandWriter& writer, std::string_view json);

}  // namespace agritrace::api
