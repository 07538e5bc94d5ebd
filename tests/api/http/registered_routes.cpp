#include "tests/api/http/registered_routes.h"

#include <doctest/doctest.h>

#include "api/http/metrics.h"
#include "api/production/blob_store.h"
#include "api/service/service.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "projections/base/runner.h"
#include "projections/base/view_store.h"
#include "projections/production/projection.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {

std::vector<api::RouteInfo> registered_routes() {
  TempDir dir;
  events::LocalLedgerOptions lo;
  lo.path = dir.path() + "/ledger";
  lo.partitions = 2;
  auto ledger = events::open_local_ledger(lo);
  REQUIRE(ledger.ok());
  auto writer = events::start_command_writer(**ledger);
  REQUIRE(writer.ok());
  auto views = projections::ViewStore::open(dir.path() + "/views");
  REQUIRE(views.ok());
  projections::ProjectionRunner runner(**ledger, **views, projections::make_all_projections());
  runner.start();
  api::MetricsRegistry metrics;
  api::BlobStore blobs(events::posix_env(), dir.path() + "/documents");
  api::Service service(**ledger, **writer, runner, **views, blobs, metrics, api::ServiceOptions{});
  api::Router router(&metrics);
  service.register_routes(router);
  std::vector<api::RouteInfo> routes = router.routes();
  runner.stop();
  (*writer)->stop();
  return routes;
}

}  // namespace agritrace::testing
