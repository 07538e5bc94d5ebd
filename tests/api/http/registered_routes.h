// The routes the service registers, read from a real Router (embedded ledger in a temp folder,
// command writer, views, projection runner): for the tests that compare docs and policies with
// the real route table.
#pragma once

#include <vector>

#include "api/http/router.h"

namespace agritrace::testing {

std::vector<api::RouteInfo> registered_routes();

}  // namespace agritrace::testing
