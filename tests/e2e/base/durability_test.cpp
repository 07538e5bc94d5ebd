// Nothing lost, nothing doubled: kill -9 during a stream of commands, restart, retry what was not
// acknowledged; views rebuilt from the ledger are byte-identical; hash chains verify and a
// tampered event is named; an unreachable broker gives 503s, not hangs. Both ledgers.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <rocksdb/db.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "projections/base/keys.h"
#include "projections/base/view_store.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

void crash_recovery(Backend backend) {
  TestApp app(backend);
  const std::string key = register_enterprise(app.port(), kPlantUscc, "鲜达");
  ApiClient setup(app.port(), key);
  const std::string supplier = setup.post("/v1/counterparties", enterprise_supplier_body(kFarmUscc)).str("/id");

  constexpr int kCommands = 150;
  constexpr int kKillAfterAcks = 40;
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, std::string> acked;  // command index -> purchase order id
  std::atomic<int> next{0};
  const uint16_t port = app.port();
  auto body = [&](int i) { return purchase_order_body(supplier, i + 1); };
  auto idem = [](int i) { return fmt::format("crash-{}", i); };
  auto worker = [&] {
    api::HttpClient http("127.0.0.1", port);
    for (int i = next++; i < kCommands; i = next++) {
      auto r = http.request("POST", "/v1/purchase-orders", body(i),
                            {{"Authorization", "Bearer " + key}, {"Idempotency-Key", idem(i)}});
      if (!r.ok() || r->status != 201) continue;  // not acknowledged: retried after restart
      std::lock_guard lock(mu);
      acked[i] = projections::json_string_field(r->body, "id").value_or("?");
      cv.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) workers.emplace_back(worker);
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return acked.size() >= kKillAfterAcks; });
  }
  app.server.kill_hard();  // a crash with commands in flight
  for (auto& t : workers) t.join();
  const std::map<int, std::string> acked_before = acked;
  INFO("acknowledged before the crash: ", acked_before.size());
  CHECK(acked_before.size() < static_cast<size_t>(kCommands));

  app.server.start();
  ApiClient c(app.port(), key);
  std::map<int, std::string> final_ids = acked_before;
  for (int i = 0; i < kCommands; ++i) {
    Reply r = c.post("/v1/purchase-orders", body(i), idem(i));
    REQUIRE(r.status == 201);
    if (auto it = acked_before.find(i); it != acked_before.end()) {
      // An acknowledged command is durable: its retry is a replay with the same answer.
      CHECK(r.header("Idempotent-Replayed") == "true");
      CHECK(r.str("/id") == it->second);
    }
    final_ids[i] = r.str("/id");
  }
  // Exactly once: one purchase order per command, each with the quantity of its command.
  Reply list = c.get_fresh("/v1/purchase-orders?limit=1000");
  REQUIRE(list.size("/items") == static_cast<size_t>(kCommands));
  std::set<std::string> ids;
  for (size_t k = 0; k < static_cast<size_t>(kCommands); ++k) ids.insert(list.str(fmt::format("/items/{}/po_id", k)));
  CHECK(ids.size() == static_cast<size_t>(kCommands));
  for (const auto& [i, id] : final_ids) {
    Reply po = c.get("/v1/purchase-orders/" + id);
    CHECK(po.num("/quantity/amount") == (i + 1) * 1000);
  }
  CHECK(app.server.stop() == 0);
  RunResult verify = run_agritrace(with({"verify"}, app.ledger.flags()));
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  // The views that lived through the crash equal views rebuilt from scratch: no event was
  // applied twice or skipped.
  const std::string live_digest = live_views_digest(app.ledger);  // before replay replaces the views
  CHECK(replay_digest(app.ledger) == live_digest);
}

AGRITRACE_TEST_BOTH_LEDGERS("crash: kill -9 during commands loses no acknowledged command and doubles none", crash_recovery)

void rebuild_identical(Backend backend) {
  TestApp app(backend);
  // The demo seeds through the public API, as a user would.
  RunResult demo = run_program({AGRITRACE_BINARY, "demo", "--url", fmt::format("http://127.0.0.1:{}", app.port())},
                               {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
  INFO(demo.out);
  REQUIRE(demo.exit_code == 0);
  const size_t at = demo.out.find("after=");
  REQUIRE(at != std::string::npos);
  const std::string position = demo.out.substr(at + 6, demo.out.find('\'', at) - at - 6);
  auto key_of = [&](const char* role) {
    const size_t key_at = demo.out.find("API key agk_", demo.out.find(role));
    return demo.out.substr(key_at + 8, demo.out.find('\n', key_at) - key_at - 8);
  };
  const std::string plant_key = key_of("Plant");
  ApiClient c(app.port(), plant_key);
  ApiClient farm(app.port(), key_of("Farm"));
  Reply trace = c.get("/v1/batches/b-1/trace/backward?after=" + position + "&wait_ms=20000");
  REQUIRE(trace.status == 200);
  CHECK(trace.size("/materials") == 2);
  CHECK(trace.size("/documents") == 1);
  // The demo's shipments, receipts, retail sales and the farm's recall (R-4.2.3, R-4.2.4,
  // .x) are part of the views being compared.
  Reply recall = farm.get("/v1/recalls/rc-1?wait_ms=20000&after=" + position);
  REQUIRE(recall.status == 200);
  CHECK(recall.size("/shipped") >= 1);
  CHECK(recall.num("/shipped/0/quantity/amount") == 150'000);
  // The demo chain's acceptance: the farm's lot recall reaches every consumer sale in both shops.
  CHECK(recall.size("/retail_sales") == 4);
  CHECK(recall.size("/enterprises") == 5);
  CHECK(app.server.stop() == 0);

  const std::string live_digest = live_views_digest(app.ledger);
  const std::string first = replay_digest(app.ledger);
  CHECK(first == live_digest);
  CHECK(replay_digest(app.ledger) == first);

  RunResult verify = run_agritrace(with({"verify"}, app.ledger.flags()));
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("every hash chain intact") != std::string::npos);

  // The rebuilt views serve the same answers.
  app.server.start();
  ApiClient again(app.port(), plant_key);
  CHECK(again.get("/v1/batches/b-1/trace/backward").body == trace.body);
  CHECK(app.server.stop() == 0);
}

AGRITRACE_TEST_BOTH_LEDGERS("views rebuilt from the ledger are byte-identical to the live ones", rebuild_identical)

TEST_CASE("verify names the first altered event of a tampered embedded ledger") {
  TestApp app(Backend::kEmbedded);
  ApiClient c = app.enterprise(kPlantUscc, "鲜达");
  for (int i = 0; i < 5; ++i) REQUIRE(c.post("/v1/batches", batch_body(fmt::format("T-{}", i))).status == 201);
  CHECK(app.server.stop() == 0);
  CHECK(run_agritrace(with({"verify"}, app.ledger.flags())).exit_code == 0);
  {
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), app.ledger.data.path() + "/ledger", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    int seen = 0;
    for (it->Seek("e"); it->Valid(); it->Next()) {
      std::string v = it->value().ToString();
      if (v.find("T-2") == std::string::npos) continue;
      v.replace(v.find("T-2"), 3, "T-9");  // someone edits a lot code in place
      REQUIRE(db->Put(rocksdb::WriteOptions(), it->key(), v).ok());
      ++seen;
      break;
    }
    REQUIRE(seen == 1);
  }
  RunResult verify = run_agritrace(with({"verify"}, app.ledger.flags()));
  INFO(verify.out);
  CHECK(verify.exit_code == 3);
  CHECK(verify.out.find(fmt::format("BROKEN: tenant {} seq 4", kPlantUscc)) != std::string::npos);
  CHECK(verify.out.find("altered") != std::string::npos);
}

TEST_CASE("an unreachable Kafka broker: serve refuses to start with a clear message") {
  TempDir data;
  RunResult r = run_program({AGRITRACE_BINARY, "serve", "--data", data.path(), "--listen", "127.0.0.1:0",
                             "--kafka", "127.0.0.1:1", "--topic", "never"},
                            {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
  INFO(r.out);
  CHECK(r.exit_code != 0);
  CHECK(r.out.find("127.0.0.1:1") != std::string::npos);
}

// A base port whose next three ports (client, controller, SASL listener of scripts/kafka) are free,
// below Linux's ephemeral range (32768-60999): a fixed port inside it was taken, now and then, by a
// client connection of another test running in parallel (the broker then failed to bind).
int free_port_base() {
  auto can_bind = [](int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  };
  for (int base = 24000; base < 32000; base += 10) {
    if (can_bind(base) && can_bind(base + 1) && can_bind(base + 2)) return base;
  }
  return 0;
}

TEST_CASE("a broker that goes away: commands answer 503 fast, healthz says why, queries still answer") {
  (void)kafka_brokers();  // this test needs the Kafka tooling of ./scripts/test
  TempDir broker_dir;
  const int base = free_port_base();
  REQUIRE(base != 0);
  const std::string broker = fmt::format("127.0.0.1:{}", base);
  const std::vector<std::string> ports{fmt::format("KAFKA_PORT={}", base),
                                       fmt::format("KAFKA_CONTROLLER_PORT={}", base + 1),
                                       fmt::format("KAFKA_SASL_PORT={}", base + 2)};
  const std::string script = std::string(AGRITRACE_SOURCE_DIR) + "/scripts/kafka";
  RunResult started = run_program({"/bin/bash", script, "start", broker_dir.path()}, ports, true);
  INFO(started.out);
  REQUIRE(started.exit_code == 0);
  struct StopBroker {
    std::vector<std::string> argv, env;
    ~StopBroker() { run_program(argv, env, true); }
  } stop_broker{{"/bin/bash", script, "stop", broker_dir.path()}, ports};

  TempDir data;
  ServerProcess server({"--data", data.path(), "--kafka", broker, "--topic", unique_name("gone")});
  server.start();
  ApiClient c(server.port(), register_enterprise(server.port(), kPlantUscc, "鲜达"));
  REQUIRE(c.post("/v1/batches", batch_body("B-1")).status == 201);
  REQUIRE(c.get_fresh("/v1/batches").size("/items") == 1);

  RunResult stopped = run_program({"/bin/bash", script, "stop", broker_dir.path()}, ports, true);
  REQUIRE(stopped.exit_code == 0);
  Reply refused = c.post("/v1/batches", batch_body("B-2"));
  INFO(refused.body);
  CHECK(refused.status == 503);
  CHECK(refused.str("/code").find("ledger_") == 0);
  Reply health = c.get("/healthz");
  INFO(health.body);
  CHECK(health.status == 503);
  CHECK(health.str("/status") == "degraded");
  CHECK(health.str("/ledger/detail").find(broker) != std::string::npos);
  // A second command is refused at once while the broker is down.
  CHECK(c.post("/v1/batches", batch_body("B-3")).status == 503);
  // The views are local: queries keep answering.
  CHECK(c.get("/v1/batches").size("/items") == 1);
  CHECK(server.stop() == 0);
}

}  // namespace
}  // namespace agritrace::testing
