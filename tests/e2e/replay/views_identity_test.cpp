// the views know which ledger they were built from (views.ledger). The same data folder
// named two ways — relative after `cd`, absolute, with "./" or a trailing slash — is one ledger:
// `agritrace replay` with one spelling and `serve` with another keep the views (their RocksDB
// IDENTITY stays), instead of throwing them away and rebuilding them from the whole ledger.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string>

#include "projections/base/view_store.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("replay R-6: one data folder named relative or absolute keeps its views between replay and serve [embedded]") {
  TempDir root;
  const std::string data = root.path() + "/data";
  {
    ServerProcess server({"--data", data});
    server.start();
    ApiClient c(server.port(), register_enterprise(server.port(), kPlantUscc, "鲜达"));
    REQUIRE(c.post("/v1/batches", batch_body("B-1")).status == 201);
    CHECK(server.stop() == 0);
  }
  // Rebuilt from a relative name, as an operator in the folder above would type it.
  RunResult replayed = run_program(
      {"/bin/sh", "-c", fmt::format("cd '{}' && exec '{}' replay --data data", root.path(), AGRITRACE_BINARY)},
      {}, true);
  INFO(replayed.out);
  REQUIRE(replayed.exit_code == 0);
  CHECK(read_file(data + "/views.ledger") ==
        fmt::format("embedded:{}/ledger\nviews format {}\n", data, projections::kViewsFormat));
  const std::string identity = read_file(data + "/views/IDENTITY");
  REQUIRE(!identity.empty());

  for (const std::string& spelling : {data, root.path() + "/./data/"}) {
    CAPTURE(spelling);
    ServerProcess server({"--data", spelling});
    server.start();
    ApiClient c(server.port(), "");
    Reply health = c.get("/healthz");
    INFO(health.body);
    CHECK(health.str("/ledger/backend") == "embedded:" + data + "/ledger");
    CHECK(server.stop() == 0);
    CHECK(read_file(data + "/views/IDENTITY") == identity);  // the same RocksDB: kept
  }
}

}  // namespace
}  // namespace agritrace::testing
