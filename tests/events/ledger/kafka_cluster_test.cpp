// Issue 17 on the three-broker cluster on loopback (scripts/kafka cluster-start: KRaft, RF 3,
// min.insync.replicas=2; ./scripts/test starts it and sets AGRITRACE_TEST_KAFKA_CLUSTER and
// AGRITRACE_TEST_KAFKA_CLUSTER_DIR). The real command writer on the real Kafka ledger, under load
// from several client threads that retry every failed command with its Idempotency-Key, while the
// broker that coordinates the writer's transactions is killed (SIGKILL, scripts/kafka
// kill-broker): no acknowledged command is lost, none is
// doubled, writes resume within 10 s (the Env's monotonic clock), and the hash chain still folds.
// Synchronisation by condition variables on the acknowledgements; no sleeps.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/base/civil_time.h"
#include "core/domain/command.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "tests/support/kafka_cluster.h"
#include "tests/support/ledger_census.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kFarm = "91350100M000100Y43";

core::Command batch_cmd(const std::string& lot) {
  return core::CreateBatch{
      "菜心", lot, core::Quantity{5000, core::Unit::kGram}, test_date(0), std::nullopt, "", {}};
}

Result<std::unique_ptr<events::Ledger>> open_cluster_ledger(const std::string& topic,
                                                            const std::string& txn, Env* env) {
  events::KafkaLedgerOptions o;
  o.brokers = cluster_env("AGRITRACE_TEST_KAFKA_CLUSTER");
  o.topic = topic;
  o.partitions = 4;
  o.replication_factor = 3;
  o.transactional_id = txn;
  o.env = env;
  return events::open_kafka_ledger(o);
}

// What the load saw: every acknowledged command by Idempotency-Key, and when writes resumed.
struct Load {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::string> acked;  // key -> command id
  size_t failures = 0;                       // refused attempts (each retried with its key)
  std::set<std::string> failure_reasons;
  int64_t kill_ns = 0;     // 0 until the broker is killed
  int64_t resumed_ns = 0;  // first ack of a command submitted after the kill
};

TEST_CASE(
    "kafka cluster R-8: a broker killed under load loses no acknowledged command and writes resume "
    "within 10 s [kafka-cluster]") {
  events::ControlledEnv env(events::posix_env());
  env.start_at(test_now_ms());
  const std::string topic = unique_name("test-cluster");
  auto ledger = open_cluster_ledger(topic, unique_name("test-cluster-writer"), &env);
  REQUIRE_MESSAGE(ledger.ok(), ledger.status().to_string());
  events::CommandWriterOptions wo;
  wo.env = &env;
  auto writer = events::start_command_writer(**ledger, wo);
  REQUIRE_MESSAGE(writer.ok(), writer.status().to_string());

  auto run = [&](const std::string& key, core::Command c) {
    std::promise<Result<events::CommandOutcome>> p;
    auto f = p.get_future();
    events::CommandSubmission s;
    s.command_name = "test";
    s.tenant = kFarm;
    s.actor = "key-farm";
    s.idempotency_key = key;
    s.request_hash = "h-" + key;
    s.command = std::move(c);
    s.done = [&p](Result<events::CommandOutcome> r) { p.set_value(std::move(r)); };
    (*writer)->submit(std::move(s));
    return f.get();
  };
  REQUIRE(run("register", core::RegisterEnterprise{kFarm, "绿源农场", "福建省", "key-farm",
                                                   std::string(64, 'a')})
              .ok());

  Load load;
  std::atomic<bool> stop{false};
  constexpr int kClients = 4;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 0; !stop.load(); ++n) {
        const std::string key = fmt::format("c{}-{}", c, n);
        const int64_t submitted_ns = env.monotonic_ns();
        // A client retries a failed command with the same key until it is acknowledged.
        for (;;) {
          auto r = run(key, batch_cmd("L-" + key));
          std::lock_guard lock(load.mu);
          if (r.ok()) {
            load.acked[key] = r->command_id;
            if (load.kill_ns != 0 && load.resumed_ns == 0 && submitted_ns > load.kill_ns) {
              load.resumed_ns = env.monotonic_ns();
            }
            load.cv.notify_all();
            break;
          }
          ++load.failures;
          load.failure_reasons.insert(r.error().reason + ": " + r.error().message.substr(0, 160));
          if (stop.load()) break;  // given up: never acknowledged, so never counted
        }
      }
    });
  }
  auto wait_for = [&](auto condition, int seconds) {
    std::unique_lock lock(load.mu);
    return load.cv.wait_for(lock, std::chrono::seconds(seconds), [&] { return condition(); });
  };
  // Warm: some commands acknowledged with all three brokers up.
  CHECK(wait_for([&] { return load.acked.size() >= 40; }, 60));
  RestartBrokerOnExit restart;
  // The transaction coordinator's broker: the hardest one to lose (librdkafka must find the new
  // coordinator before any transaction can go on; docs/KAFKA.md).
  const int victim = leader_of(cluster_env("AGRITRACE_TEST_KAFKA_CLUSTER"), "__transaction_state");
  {
    std::lock_guard lock(load.mu);
    load.kill_ns = env.monotonic_ns();
  }
  REQUIRE(cluster_script("kill-broker", victim) == 0);
  restart.broker = victim;
  const bool resumed = wait_for([&] { return load.resumed_ns != 0; }, 60);
  size_t at_resume = 0;
  {
    std::lock_guard lock(load.mu);
    at_resume = load.acked.size();
  }
  // Keep writing on two brokers for a while.
  CHECK(wait_for([&] { return load.acked.size() >= at_resume + 40; }, 60));
  stop.store(true);
  {
    std::lock_guard lock(load.mu);
    MESSAGE(fmt::format("after the kill: acknowledged {} (at resume {}), failed attempts {}",
                        load.acked.size(), at_resume, load.failures));
  }
  for (auto& t : clients) t.join();
  (*writer)->stop();

  const double resume_s = resumed ? static_cast<double>(load.resumed_ns - load.kill_ns) / 1e9 : -1;
  MESSAGE(fmt::format("acknowledged {}, failed attempts {}, writes resumed {:.2f} s after the kill",
                      load.acked.size(), load.failures, resume_s));
  for (const std::string& why : load.failure_reasons) MESSAGE("refused: " << why);
  REQUIRE(resumed);
  CHECK(resume_s <= 10.0);

  // Every acknowledged command is in the topic exactly once, as read by a fresh reader.
  auto reader_ledger = open_cluster_ledger(topic, "", &env);
  REQUIRE(reader_ledger.ok());
  auto ends = (*reader_ledger)->end_offsets();
  REQUIRE(ends.ok());
  const LedgerCensus census = read_census(**reader_ledger);
  const auto& commands_by_key = census.commands_by_key;
  auto events_by_command = census.events_by_command;
  size_t lost = 0, doubled = 0;
  for (const auto& [key, command_id] : load.acked) {
    auto it = commands_by_key.find(key);
    if (it == commands_by_key.end() || it->second.count(command_id) == 0) ++lost;
    if (it != commands_by_key.end() && it->second.size() > 1) ++doubled;
    if (events_by_command[command_id] != 1) ++doubled;  // one BatchCreated per batch command
  }
  CHECK(lost == 0);
  CHECK(doubled == 0);
  // The hash chain folds (a new writer checks every link of it), with the killed broker still
  // down: one dead broker of three is not an unavailable ledger. Each fresh client picks its
  // bootstrap broker itself, so three of them make meeting the dead one likely.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto again = open_cluster_ledger(topic, unique_name("test-cluster-writer"), &env);
    REQUIRE(again.ok());
    auto refolded = events::start_command_writer(**again, wo);
    REQUIRE_MESSAGE(refolded.ok(), refolded.status().to_string());
    CHECK_MESSAGE((*again)->health().available, (*again)->health().detail);
    (*refolded)->stop();
  }
}

}  // namespace
}  // namespace agritrace::testing
