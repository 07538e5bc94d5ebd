// Issue 17 (R-6) back-pressure at the HTTP edge, over a real loopback socket: the real Service
// (routes, writer, views) on a real embedded ledger behind a FaultLedger whose appends the test
// holds (a latch, never a sleep). With the writer busy and its queue full, a command is answered
// 503 writer_queue_full (problem+json) with Retry-After; the commands already queued still land.
#include <doctest/doctest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>

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

namespace agritrace::testing {
namespace {

constexpr const char* kAdmin = "admin-key-for-backpressure-0123456789";

struct BackPressureServer : FaultLedgerRig {
  std::unique_ptr<events::CommandWriter> writer;
  std::unique_ptr<projections::ViewStore> views;
  std::unique_ptr<projections::ProjectionRunner> runner;
  api::MetricsRegistry metrics;
  std::unique_ptr<api::BlobStore> blobs;
  std::unique_ptr<api::Service> service;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<api::HttpServer> http;

  explicit BackPressureServer(size_t max_queued)
      : FaultLedgerRig(17), writer(start_writer(max_queued)) {
    auto v = projections::ViewStore::open(dir.path() + "/views");
    REQUIRE(v.ok());
    views = std::move(v).value();
    runner = std::make_unique<projections::ProjectionRunner>(
        *ledger, *views, projections::make_all_projections(), &env);
    runner->start();
    blobs = std::make_unique<api::BlobStore>(env, dir.path() + "/documents");
    api::ServiceOptions so;
    so.admin_key_sha256 = core::sha256_hex(kAdmin);
    so.env = &env;
    service =
        std::make_unique<api::Service>(*ledger, *writer, *runner, *views, *blobs, metrics, so);
    router = std::make_unique<api::Router>(&metrics, &env);
    service->register_routes(*router);
    api::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.workers = 4;
    http = std::make_unique<api::HttpServer>(o, router->handler());
    REQUIRE(http->start().ok());
  }
  ~BackPressureServer() {
    ledger->release_appends();
    http->stop();
    writer->stop();
    runner->stop();
  }

  // POST /v1/enterprises for `uscc` on its own connection; the answer.
  api::HttpResponse register_enterprise(const std::string& uscc) const {
    api::HttpClient c("127.0.0.1", http->port());
    auto r = c.request(
        "POST", "/v1/enterprises",
        R"({"uscc":")" + uscc + R"(","name":"企业 )" + uscc + R"(","region":"广东省"})",
        {{"Authorization", std::string("Bearer ") + kAdmin}, {"Content-Type", "application/json"}});
    REQUIRE(r.ok());
    return std::move(r).value();
  }

  // Polls the writer's queue depth until it reaches `n` (a condition, not a sleep).
  void wait_queued(size_t n) const {
    while (writer->stats().queued < n) std::this_thread::yield();
  }
};

TEST_CASE(
    "back-pressure R-6 over HTTP: a full writer queue answers 503 writer_queue_full with "
    "Retry-After") {
  BackPressureServer s(1);
  s.ledger->hold_appends();
  auto first =
      std::async(std::launch::async, [&] { return s.register_enterprise("93441322MA4W12345F"); });
  s.ledger->wait_until_appends_blocked(1);  // the writer is in its append
  auto second =
      std::async(std::launch::async, [&] { return s.register_enterprise("91441900MA51ABCD7J"); });
  s.wait_queued(1);  // the queue (bound 1) is full
  const api::HttpResponse shed = s.register_enterprise("91440101MA59XYW12B");
  INFO(shed.body);
  CHECK(shed.status == 503);
  CHECK(shed.content_type == "application/problem+json");
  CHECK(shed.header("Retry-After") == "1");
  CHECK(shed.body.find("\"code\":\"writer_queue_full\"") != std::string::npos);
  CHECK(s.metrics.render().find("agritrace_commands_shed_total 1") != std::string::npos);
  s.ledger->release_appends();
  CHECK(first.get().status == 201);
  CHECK(second.get().status == 201);
  // The writer has room again: the shed command's retry is accepted.
  CHECK(s.register_enterprise("91440101MA59XYW12B").status == 201);
}

}  // namespace
}  // namespace agritrace::testing
