// File faults and the test clock through the API layer, with a ControlledEnv: the blob store
// turns each fault into a Status and leaves no file behind; the problem mapping answers a full
// disk with 507; the real Service (routes, writer, views, in process) answers a document upload on
// a full disk with a clean problem+json, takes its clock from the Env (/healthz) and refuses to
// register an enterprise when the CSPRNG fails.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "api/production/blob_store.h"
#include "api/http/metrics.h"
#include "api/http/problem.h"
#include "api/http/router.h"
#include "api/service/service.h"
#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "events/writer/command_writer.h"
#include "events/env/controlled_env.h"
#include "events/ledger/ledger.h"
#include "events/env/posix_env.h"
#include "projections/production/projection.h"
#include "projections/base/runner.h"
#include "projections/base/view_store.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

using events::ControlledEnv;
using events::FileFault;

constexpr const char* kSupplierBody =
    R"({"kind":"enterprise","roles":["supplier"],"name":"博罗县绿源菜心种植专业合作社",)"
    R"("uscc":"91441900MA51ABCD7J","contact_person":"黄国华","phone":"13826601234",)"
    R"("address":"广东省惠州市博罗县"})";

size_t files_under(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST_CASE("blob store: each file fault is a Status with its reason and leaves no file") {
  TempDir dir;
  ControlledEnv env(events::posix_env());
  const std::string root = dir.path() + "/documents";
  api::BlobStore blobs(env, root);
  const std::string bytes = "inspection report, 2 pages";
  for (auto [fault, reason] : {std::pair{FileFault::kDiskFull, "disk_full"},
                               std::pair{FileFault::kFsyncFailed, "fsync_failed"},
                               std::pair{FileFault::kReadOnly, "read_only"}}) {
    CAPTURE(reason);
    env.inject_fault(root, fault);
    auto put = blobs.put("T1", bytes);
    REQUIRE_FALSE(put.ok());
    CHECK(put.error().code == ErrorCode::kIoError);
    CHECK(put.error().reason == reason);
    CHECK(files_under(root) == 0);
    CHECK_FALSE(blobs.stat("T1", core::sha256_hex(bytes)));
    env.clear_faults();
  }
  auto put = blobs.put("T1", bytes);
  REQUIRE(put.ok());
  CHECK(put->sha256 == core::sha256_hex(bytes));
  CHECK(blobs.stat("T1", put->sha256)->size_bytes == static_cast<int64_t>(bytes.size()));
  CHECK(*blobs.get("T1", put->sha256) == bytes);
  CHECK(blobs.get("T2", put->sha256).error().reason == "document_not_found");
  // Stored bytes stay readable on a read-only disk, and storing them again is a no-op.
  env.inject_fault(root, FileFault::kReadOnly);
  CHECK(*blobs.get("T1", put->sha256) == bytes);
  CHECK(blobs.put("T1", bytes).ok());
}

TEST_CASE("problem mapping: a full disk is 507 Insufficient Storage, other I/O failures 500") {
  auto full = api::problem_from_error(make_error(ErrorCode::kIoError, "disk_full", "no space"));
  CHECK(full.status == 507);
  CHECK(full.content_type == "application/problem+json");
  CHECK(full.body.find("\"title\":\"Insufficient Storage\"") != std::string::npos);
  CHECK(full.body.find("\"code\":\"disk_full\"") != std::string::npos);
  CHECK(api::problem_from_error(make_error(ErrorCode::kIoError, "fsync_failed", "eio")).status == 500);
  CHECK(api::problem_from_error(make_error(ErrorCode::kIoError, "read_only", "erofs")).status == 500);
  // disk_full only means 507 on an I/O error.
  CHECK(api::problem_from_error(make_error(ErrorCode::kConflict, "disk_full", "x")).status == 409);
}

// The real Service, routes and single writer in process, on a ControlledEnv.
struct InProcessServer {
  static constexpr const char* kAdmin = "admin-key-for-env-faults-0123456789";
  TempDir dir;
  ControlledEnv env{events::posix_env()};
  std::unique_ptr<events::Ledger> ledger;
  std::unique_ptr<events::CommandWriter> writer;
  std::unique_ptr<projections::ViewStore> views;
  std::unique_ptr<projections::ProjectionRunner> runner;
  api::MetricsRegistry metrics;
  std::unique_ptr<api::BlobStore> blobs;
  std::unique_ptr<api::Service> service;
  std::unique_ptr<api::Router> router;

  InProcessServer() {
    env.set_now_ms(*core::parse_rfc3339("2027-03-01T02:03:04.005Z", "t"));
    env.seed_random(2026);
    events::LocalLedgerOptions lo;
    lo.path = dir.path() + "/ledger";
    lo.partitions = 2;
    auto l = events::open_local_ledger(lo);
    REQUIRE(l.ok());
    ledger = std::move(l).value();
    events::CommandWriterOptions wo;
    wo.env = &env;
    auto w = events::start_command_writer(*ledger, wo);
    REQUIRE(w.ok());
    writer = std::move(w).value();
    auto v = projections::ViewStore::open(dir.path() + "/views");
    REQUIRE(v.ok());
    views = std::move(v).value();
    runner = std::make_unique<projections::ProjectionRunner>(*ledger, *views,
                                                              projections::make_all_projections(), &env);
    runner->start();
    blobs = std::make_unique<api::BlobStore>(env, dir.path() + "/documents");
    api::ServiceOptions so;
    so.admin_key_sha256 = core::sha256_hex(kAdmin);
    so.env = &env;
    so.test_clock = true;
    service = std::make_unique<api::Service>(*ledger, *writer, *runner, *views, *blobs, metrics, so);
    router = std::make_unique<api::Router>(&metrics, &env);
    service->register_routes(*router);
  }
  ~InProcessServer() {
    writer->stop();
    runner->stop();
  }

  api::HttpResponse call(const std::string& method, const std::string& path, const std::string& key,
                         std::string body) {
    api::HttpRequest req;
    req.method = method;
    req.target = path;
    req.path = path;
    if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
    req.body = std::move(body);
    std::promise<api::HttpResponse> answered;
    router->dispatch(std::move(req), [&answered](api::HttpResponse r) { answered.set_value(std::move(r)); });
    return answered.get_future().get();
  }

  // The new enterprise's API key, from the 201 answer.
  std::string register_farm() {
    api::HttpResponse r = call("POST", "/v1/enterprises", kAdmin,
                               R"({"uscc":"93441322MA4W12345F","name":"绿源农场","region":"广东省"})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string marker = "\"api_key\":\"";
    const size_t at = r.body.find(marker);
    REQUIRE(at != std::string::npos);
    return r.body.substr(at + marker.size(), r.body.find('"', at + marker.size()) - at - marker.size());
  }
};

TEST_CASE("service on a ControlledEnv: a document upload on a full disk answers 507 disk_full") {
  InProcessServer s;
  const std::string key = s.register_farm();
  s.env.inject_fault(s.dir.path() + "/documents", FileFault::kDiskFull);
  api::HttpResponse full = s.call("POST", "/v1/documents", key, "lab report bytes");
  INFO(full.body);
  CHECK(full.status == 507);
  CHECK(full.content_type == "application/problem+json");
  CHECK(full.body.find("\"code\":\"disk_full\"") != std::string::npos);
  CHECK(files_under(s.dir.path() + "/documents") == 0);
  s.env.inject_fault(s.dir.path() + "/documents", FileFault::kFsyncFailed);
  api::HttpResponse eio = s.call("POST", "/v1/documents", key, "lab report bytes");
  CHECK(eio.status == 500);
  CHECK(eio.body.find("\"code\":\"fsync_failed\"") != std::string::npos);
  CHECK(files_under(s.dir.path() + "/documents") == 0);
  // The disk has room again: the same upload succeeds and the bytes come back.
  s.env.clear_faults();
  api::HttpResponse ok = s.call("POST", "/v1/documents", key, "lab report bytes");
  CHECK(ok.status == 201);
  api::HttpResponse got = s.call("GET", "/v1/documents/" + core::sha256_hex("lab report bytes"), key, "");
  CHECK(got.status == 200);
  CHECK(got.body == "lab report bytes");
}

TEST_CASE("service on a ControlledEnv: /healthz shows the Env's clock and platform day") {
  InProcessServer s;
  api::HttpResponse h = s.call("GET", "/healthz", "", "");
  INFO(h.body);
  CHECK(h.body.find(R"("clock":{"now":"2027-03-01T02:03:04.005Z","today":"2027-03-01","test_clock":true})") !=
        std::string::npos);
  // 16:00 UTC is already the next day in Shanghai.
  s.env.set_now_ms(*core::parse_rfc3339("2027-12-31T16:00:00Z", "t"));
  h = s.call("GET", "/healthz", "", "");
  CHECK(h.body.find(R"("today":"2028-01-01")") != std::string::npos);
}

std::string json_str(const std::string& body, const std::string& name) {
  const std::string marker = "\"" + name + "\":\"";
  const size_t at = body.find(marker);
  REQUIRE_MESSAGE(at != std::string::npos, name << " in " << body);
  const size_t from = at + marker.size();
  return body.substr(from, body.find('"', from) - from);
}

TEST_CASE("service on a ControlledEnv: the rules' day is the Env's Asia/Shanghai day") {
  InProcessServer s;
  // 15:59 UTC on 10 March is 23:59 in Shanghai: still the lot's last day.
  s.env.set_now_ms(*core::parse_rfc3339("2027-03-10T15:59:00Z", "t"));
  const std::string key = s.register_farm();
  auto post = [&](const std::string& path, const std::string& body) { return s.call("POST", path, key, body); };
  api::HttpResponse supplier = post("/v1/counterparties", kSupplierBody);
  REQUIRE_MESSAGE(supplier.status == 201, supplier.body);
  api::HttpResponse po = post("/v1/purchase-orders", fmt::format(
      R"({{"material":"菜心","supplier_id":"{}","quantity":{{"amount":10,"unit":"kg"}},"supplier_lot":"HZ-1","production_date":"2027-02-01","expiry_date":"2027-03-10"}})",
      json_str(supplier.body, "id")));
  REQUIRE_MESSAGE(po.status == 201, po.body);
  api::HttpResponse received = post("/v1/purchase-orders/" + json_str(po.body, "id") + "/receive",
                                    R"({"quantity":{"amount":10,"unit":"kg"},"received_on":"2027-03-09"})");
  REQUIRE_MESSAGE(received.status == 201, received.body);
  api::HttpResponse batch = post("/v1/batches",
      R"({"product":"净菜菜心 500g","lot_code":"A1","quantity":{"amount":100,"unit":"piece"},"production_date":"2027-03-10"})");
  REQUIRE_MESSAGE(batch.status == 201, batch.body);
  const std::string materials = "/v1/batches/" + json_str(batch.body, "id") + "/materials";
  const std::string one_kg = R"({"lot_id":"lot-1","quantity":{"amount":1,"unit":"kg"}})";
  api::HttpResponse used = post(materials, one_kg);
  CHECK_MESSAGE(used.status == 201, used.body);
  // One minute later it is 11 March in Shanghai (still 10 March in UTC): the lot has expired.
  s.env.set_now_ms(*core::parse_rfc3339("2027-03-10T16:00:00Z", "t"));
  api::HttpResponse expired = post(materials, one_kg);
  CHECK(expired.status == 409);
  CHECK(expired.body.find("\"code\":\"lot_expired\"") != std::string::npos);
  // And back: the Env is the only clock the rules see.
  s.env.set_now_ms(*core::parse_rfc3339("2027-03-10T08:00:00Z", "t"));
  CHECK(post(materials, one_kg).status == 201);
}

TEST_CASE("service on a ControlledEnv: seeded keys are reproducible, a failed CSPRNG refuses with 500") {
  std::string first, second;
  {
    InProcessServer s;
    first = s.register_farm();
  }
  {
    InProcessServer s;
    second = s.register_farm();
    s.env.fail_random(true);
    api::HttpResponse r = s.call("POST", "/v1/enterprises", InProcessServer::kAdmin,
                                 R"({"uscc":"91441900MA51ABCD7J","name":"鲜达","region":"广东省"})");
    CHECK(r.status == 500);
    CHECK(r.body.find("\"code\":\"random_failed\"") != std::string::npos);
    // The writer draws event ids from the same Env: a command is refused, nothing is appended.
    const uint64_t appended = s.writer->stats().events_appended;
    api::HttpResponse c = s.call("POST", "/v1/counterparties", second, kSupplierBody);
    CHECK(c.status == 500);
    CHECK(c.body.find("\"code\":\"random_failed\"") != std::string::npos);
    CHECK(s.writer->stats().events_appended == appended);
    s.env.fail_random(false);
    CHECK(s.call("POST", "/v1/counterparties", second, kSupplierBody).status == 201);
  }
  CHECK(first.starts_with("agk_"));
  CHECK(first == second);
}

}  // namespace
}  // namespace agritrace::testing
