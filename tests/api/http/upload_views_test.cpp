// R-5.2 upload jobs on a server whose views lag behind the ledger (the flaky "jobs survive a
// restart" e2e): after a restart the process has acknowledged none of the tenant's positions, so
// the job must wait for the views to reach the ledger's tail before it validates rows against
// them (counterparties registered before the upload). A real Service over a real embedded ledger:
// the first "run" registers the enterprise and its supplier, the second (the restart) starts with
// empty views and a runner that the test holds back by not starting it until the job shows that
// it waits. No sleeps: the test follows the job's changes (GET ?wait=true).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <future>
#include <memory>
#include <string>

#include "api/http/http_client.h"
#include "api/http/http_server.h"
#include "api/http/metrics.h"
#include "api/http/router.h"
#include "api/production/blob_store.h"
#include "api/service/service.h"
#include "core/base/digest.h"
#include "events/writer/command_writer.h"
#include "projections/base/runner.h"
#include "projections/base/view_store.h"
#include "projections/production/projection.h"
#include "tests/support/fault_ledger.h"
#include "tests/support/test_clock.h"

namespace agritrace::testing {
namespace {

constexpr const char* kAdmin = "admin-key-for-upload-views-0123456789";
constexpr const char* kPlant = "91441900MA51ABCD7J";
constexpr const char* kFarm = "93441322MA4W12345F";

// One server run over the shared ledger and writer: its own views (empty at first), runner,
// Service (so no acknowledged positions) and HTTP server.
struct Run {
  std::unique_ptr<projections::ViewStore> views;
  std::unique_ptr<projections::ProjectionRunner> runner;
  api::MetricsRegistry metrics;
  std::unique_ptr<api::BlobStore> blobs;
  std::unique_ptr<api::Service> service;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<api::HttpServer> http;

  Run(FaultLedgerRig& rig, events::CommandWriter& writer, const std::string& name,
      int32_t max_wait_ms = 30000) {
    auto v = projections::ViewStore::open(rig.dir.path() + "/views-" + name);
    REQUIRE(v.ok());
    views = std::move(v).value();
    runner = std::make_unique<projections::ProjectionRunner>(
        *rig.ledger, *views, projections::make_all_projections(), &rig.env);
    blobs = std::make_unique<api::BlobStore>(rig.env, rig.dir.path() + "/documents");
    api::ServiceOptions so;
    so.admin_key_sha256 = core::sha256_hex(kAdmin);
    so.env = &rig.env;
    so.max_wait_ms = max_wait_ms;
    service = std::make_unique<api::Service>(*rig.ledger, writer, *runner, *views, *blobs,
                                             metrics, so);
    router = std::make_unique<api::Router>(&metrics, &rig.env);
    service->register_routes(*router);
    api::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.workers = 4;
    http = std::make_unique<api::HttpServer>(o, router->handler());
    REQUIRE(http->start().ok());
  }
  ~Run() {
    http->stop();
    runner->stop();
  }

  api::HttpResponse call(std::string_view method, const std::string& target,
                         const std::string& body, const std::string& key,
                         const std::string& content_type = "application/json") const {
    api::HttpClient c("127.0.0.1", http->port());
    auto r = c.request(method, target, body,
                       {{"Authorization", "Bearer " + key}, {"Content-Type", content_type}});
    REQUIRE(r.ok());
    return std::move(r).value();
  }
};

std::string json_string(const std::string& body, const std::string& name) {
  const std::string marker = "\"" + name + "\":\"";
  const size_t at = body.find(marker);
  if (at == std::string::npos) return {};
  const size_t from = at + marker.size();
  return body.substr(from, body.find('"', from) - from);
}

// A goods-in file of `rows` rows from the farm, dated relative to the test clock.
std::string goods_in_file(int rows) {
  std::string csv =
      "received_on,supplier_uscc,supplier_name,product,lot_code,quantity,unit,production_date,"
      "expiry_date,reference\r\n";
  for (int i = 1; i <= rows; ++i) {
    csv += fmt::format("{},{},博罗县绿源菜心种植专业合作社,菜心,CX-{},20,kg,{},,PO-{}\r\n",
                       days_from_today(-2), kFarm, i, days_from_today(-3), i);
  }
  return csv;
}

// The first run: the plant registered, with the farm as its supplier (answered once in its
// views). Returns the plant's API key.
std::string first_run(FaultLedgerRig& rig, events::CommandWriter& writer) {
  Run first(rig, writer, "first");
  first.runner->start();
  const api::HttpResponse reg = first.call(
      "POST", "/v1/enterprises",
      fmt::format(R"({{"uscc":"{}","name":"惠州菜心加工厂","region":"广东省惠州市"}})", kPlant),
      kAdmin);
  INFO(reg.body);
  REQUIRE(reg.status == 201);
  const std::string key = json_string(reg.body, "api_key");
  REQUIRE(!key.empty());
  const api::HttpResponse cp = first.call(
      "POST", "/v1/counterparties",
      fmt::format(R"({{"kind":"enterprise","roles":["supplier"],"name":"博罗县绿源菜心种植专业合作社","uscc":"{}","contact_person":"黄国华","phone":"13826601234","address":"广东省惠州市博罗县"}})",
                  kFarm),
      key);
  INFO(cp.body);
  REQUIRE(cp.status == 201);
  return key;
}

// Follows GET /v1/uploads/{id} until `stop(answer)`: with ?wait=true each answer comes at the
// job's next change; without it, at once (for a state the job then keeps until the test acts:
// a wait registered just after its last change would be answered only at its deadline).
template <typename Stop>
api::HttpResponse follow(const Run& run, const std::string& id, const std::string& key,
                         Stop stop, bool wait = true) {
  for (int answers = 0;; ++answers) {
    REQUIRE(answers < 10'000'000);
    api::HttpResponse r =
        run.call("GET", "/v1/uploads/" + id + (wait ? "?wait=true" : ""), "", key);
    REQUIRE(r.status == 200);
    if (stop(r.body)) return r;
  }
}

bool finished(const std::string& body) {
  const std::string state = json_string(body, "state");
  return state == "done" || state == "refused" || state == "failed";
}

constexpr std::string_view kWaiting = "waiting for the views to catch up with the ledger";

TEST_CASE(
    "R-5.2 uploads: a job on a restarted server waits for its views to reach the ledger before "
    "validating rows") {
  FaultLedgerRig rig(52);
  rig.env.set_now_ms(test_now_ms());
  std::unique_ptr<events::CommandWriter> writer = rig.start_writer();
  const std::string key = first_run(rig, *writer);

  // The restart: empty views, the runner held back (not started), no acknowledged positions.
  Run second(rig, *writer, "second");
  const std::string file = goods_in_file(5);
  const api::HttpResponse accepted =
      second.call("POST", "/v1/uploads?type=goods_in", file, key, "text/csv");
  INFO(accepted.body);
  REQUIRE(accepted.status == 202);
  const std::string id = json_string(accepted.body, "id");
  // Before the fix the job validated at once against the empty views: refused, supplier_unknown.
  const api::HttpResponse waiting = follow(
      second, id, key,
      [](const std::string& b) { return finished(b) || b.find(kWaiting) != std::string::npos; },
      false);
  INFO(waiting.body);
  REQUIRE(!finished(waiting.body));
  CHECK(json_string(waiting.body, "state") == "reading");

  second.runner->start();
  const api::HttpResponse done = follow(second, id, key, finished);
  INFO(done.body);
  CHECK(json_string(done.body, "state") == "done");
  CHECK(done.body.find("\"rows_appended\":5") != std::string::npos);
  CHECK(done.body.find("\"error_count\":0") != std::string::npos);
  writer->stop();
}

TEST_CASE(
    "R-5.2 uploads: views that do not catch up in time fail the job (views_behind), and the same "
    "file sent again runs it again") {
  FaultLedgerRig rig(53);
  rig.env.set_now_ms(test_now_ms());
  std::unique_ptr<events::CommandWriter> writer = rig.start_writer();
  const std::string key = first_run(rig, *writer);

  // The restart, with a short wait budget and the runner held back past it.
  Run second(rig, *writer, "second", 300);
  const std::string file = goods_in_file(3);
  const api::HttpResponse accepted =
      second.call("POST", "/v1/uploads?type=goods_in", file, key, "text/csv");
  INFO(accepted.body);
  REQUIRE(accepted.status == 202);
  const std::string id = json_string(accepted.body, "id");
  const api::HttpResponse failed = follow(second, id, key, finished);
  INFO(failed.body);
  CHECK(json_string(failed.body, "state") == "failed");
  CHECK(failed.body.find("did not catch up with the ledger within 300 ms") != std::string::npos);
  CHECK(failed.body.find("\"rows_appended\":0") != std::string::npos);

  // Once the views have caught up, the same file runs again (202, the same job) and succeeds.
  second.runner->start();
  auto tail = projections::ledger_tail_positions(*rig.ledger, {}, 30000, rig.env);
  REQUIRE(tail.ok());
  for (const events::Position& p : *tail) {
    std::promise<bool> reached;
    second.runner->wait_for(p, 30000, [&reached](bool ok) { reached.set_value(ok); });
    REQUIRE(reached.get_future().get());
  }
  const api::HttpResponse again =
      second.call("POST", "/v1/uploads?type=goods_in", file, key, "text/csv");
  INFO(again.body);
  CHECK(again.status == 202);
  CHECK(json_string(again.body, "id") == id);
  const api::HttpResponse done = follow(second, id, key, finished);
  INFO(done.body);
  CHECK(json_string(done.body, "state") == "done");
  CHECK(done.body.find("\"rows_appended\":3") != std::string::npos);
  writer->stop();
}

}  // namespace
}  // namespace agritrace::testing
