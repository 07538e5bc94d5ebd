// Issue 17 (R-8): several `agritrace serve` nodes on one Kafka topic, on the three-broker cluster
// (scripts/kafka cluster-start; ./scripts/test sets AGRITRACE_TEST_KAFKA_CLUSTER and
// AGRITRACE_TEST_KAFKA_CLUSTER_DIR). Three real server processes share a topic of 6 partitions
// (RF 3, min.insync.replicas=2); their consumer group assigns the partitions' write ownership.
// Enterprises are spread so that every partition has some. Under load from four client threads
// (every command with its own Idempotency-Key, sent round-robin to the nodes and retried on the
// next node after a 503 or a broken connection):
//  (a) a command sent to a node that does not own its enterprise's partition is forwarded and
//      acknowledged; read-your-writes works on a third node with the owner's position;
//  (b) one node is SIGKILLed: its partitions move, writes of its enterprises resume within 10 s
//      (the Env's monotonic clock), no acknowledged command is lost, none is doubled (each
//      command's events counted in the topic by a fresh reader);
//  (c) then one broker is SIGKILLed as well (scripts/kafka kill-broker; restarted whatever the
//      outcome): the one leading __consumer_offsets, i.e. the writers' group coordinator (in
//      librdkafka 2.0.2 a coordinator-bound admin request losing its connection aborted the
//      nodes: docs/KAFKA.md); writes resume within 10 s;
//  (d) the views of the surviving nodes converge to the same digest (GET /v1/platform/views-digest);
//  every acknowledged command of the whole run is in the topic once.
// No sleeps: the test waits on answers, acknowledgements (condition variable) and positions, with
// deadlines.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/http/http_client.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/kafka_cluster.h"
#include "tests/support/ledger_census.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr int kNodes = 3;
constexpr int kPartitions = 6;
constexpr int kClients = 4;

// A valid GB 32100 code: "91" + Guangzhou + "MA" + 7 digits + the mod-31 check character.
std::string mint_uscc(int seq) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  std::string code = fmt::format("91440100MA{:07d}", seq);
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += static_cast<int>(kAlphabet.find(code[i])) * kWeights[i];
  code.push_back(kAlphabet[static_cast<size_t>((31 - sum % 31) % 31)]);
  return code;
}

int64_t now_ns() { return events::posix_env().monotonic_ns(); }

api::HeaderList headers(const std::string& key, const std::string& idem = {}) {
  api::HeaderList h{{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key}};
  if (!idem.empty()) h.emplace_back("Idempotency-Key", idem);
  return h;
}

Reply reply_of(const api::HttpResponse& r) { return Reply{r.status, r.body, r.headers}; }

std::vector<int64_t> int_array(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::vector<int64_t> out;
  simdjson::dom::array arr;
  if (parser.parse(body).get(doc) || doc.at_pointer(pointer).get(arr)) return out;
  for (auto v : arr) {
    int64_t n = 0;
    if (!v.get(n)) out.push_back(n);
  }
  return out;
}

// Safe in any thread (no doctest assertion): a string and an array's length at a JSON pointer.
std::string json_str(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view v;
  if (parser.parse(body).get(doc) || doc.at_pointer(pointer).get(v)) return {};
  return std::string(v);
}
size_t json_size(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array arr;
  if (parser.parse(body).get(doc) || doc.at_pointer(pointer).get(arr)) return 0;
  return arr.size();
}

struct Node {
  TempDir data;
  TempDir keys;
  std::unique_ptr<ServerProcess> server;
  bool alive = false;
};

// What one node says about itself: its views' digest and the partitions it owns.
struct NodeView {
  bool answered = false;
  std::string digest;
  std::vector<int64_t> next_offsets;
  bool caught_up = false;
  std::set<int64_t> owned;
};

NodeView node_view(uint16_t port) {
  api::HttpClient c("127.0.0.1", port);
  auto r = c.request("GET", "/v1/platform/views-digest", {}, headers(kAdminKey));
  NodeView v;
  if (!r.ok() || r->status != 200) return v;
  v.answered = true;
  v.digest = reply_of(*r).str("/digest");
  v.next_offsets = int_array(r->body, "/next_offsets");
  v.caught_up = r->body.find(R"("caught_up":true)") != std::string::npos;
  for (int64_t p : int_array(r->body, "/owned_partitions")) v.owned.insert(p);
  return v;
}

// Sends the command to node `first`, then to the next nodes in turn after a 503 or a broken
// connection, with the same Idempotency-Key, until it is answered otherwise or the deadline
// passes. The answer and the node that gave it.
struct Sent {
  std::optional<api::HttpResponse> answer;
  int node = -1;
  size_t refused = 0;
  std::set<std::string> reasons;
};

struct Load {
  std::mutex mu;
  std::condition_variable cv;
  struct Ack {
    std::string tenant;
    std::string command_id;
    size_t events = 0;
    int node = -1;
    int64_t submitted_ns = 0;
  };
  std::map<std::string, Ack> acked;  // Idempotency-Key -> the acknowledgement
  size_t refused = 0;                // 503s and broken connections, each retried
  std::set<std::string> reasons;
  std::vector<std::string> unexpected;  // answers other than 201 / 503
  int64_t kill_ns = 0;
  std::set<std::string> moved;  // enterprises of the killed node's partitions
  int64_t resumed_ns = 0;       // first acknowledgement of a moved enterprise's command after the kill
  int64_t broker_kill_ns = 0;
  int64_t broker_resumed_ns = 0;  // first acknowledgement of a command submitted after the broker kill
};

// The whole scenario: phases (a) to (c).
void nodes_scenario() {
  const int64_t test_start_ns = now_ns();
  const std::string brokers = cluster_env("AGRITRACE_TEST_KAFKA_CLUSTER");
  const std::string topic = unique_name("test-nodes");
  // The topic first (RF 3), so that the test knows every enterprise's partition.
  events::KafkaLedgerOptions lo;
  lo.brokers = brokers;
  lo.topic = topic;
  lo.partitions = kPartitions;
  lo.replication_factor = 3;
  auto topic_ledger = events::open_kafka_ledger(lo);
  REQUIRE_MESSAGE(topic_ledger.ok(), topic_ledger.status().to_string());
  std::vector<std::string> tenants;
  std::map<std::string, int32_t> partition_of;
  {
    std::map<int32_t, int> per_partition;
    for (int seq = 1; tenants.size() < 2 * kPartitions && seq < 10000; ++seq) {
      const std::string uscc = mint_uscc(seq);
      const int32_t p = (*topic_ledger)->partition_for(uscc);
      if (per_partition[p] >= 2) continue;
      ++per_partition[p];
      tenants.push_back(uscc);
      partition_of[uscc] = p;
    }
    REQUIRE(tenants.size() == 2 * kPartitions);
  }

  std::vector<Node> nodes(kNodes);
  for (Node& n : nodes) {
    n.server = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--cluster", "1", "--data", n.data.path(), "--pii-key-dir", n.keys.path(), "--kafka", brokers, "--topic", topic,
        "--partitions", std::to_string(kPartitions), "--replication-factor", "3", "--workers", "2",
        "--rate-per-key", "0", "--rate-per-address", "0"});
    n.server->start();
    n.alive = true;
  }
  const double started_s = static_cast<double>(now_ns() - test_start_ns) / 1e9;
  auto port = [&](int n) { return nodes[static_cast<size_t>(n)].server->port(); };

  // One command through the nodes from `first` on, retried on 503 / a broken connection.
  // `backoff` (may be empty) is called after every round of the nodes that all refused: a
  // well-behaved client honours Retry-After instead of hammering two cores' worth of nodes and
  // brokers while a partition moves (the load's waits end early at any acknowledgement).
  auto send = [&](std::vector<api::HttpClient>& clients, int first, const std::string& method,
                  const std::string& target, const std::string& body, const api::HeaderList& h,
                  int64_t deadline_ns, const std::atomic<int>* dead = nullptr,
                  const std::function<void()>& backoff = {}) {
    Sent s;
    for (int attempt = 0; now_ns() < deadline_ns; ++attempt) {
      const int n = (first + attempt) % kNodes;
      if (attempt > 0 && n == first && backoff) backoff();
      if (dead != nullptr && dead->load() == n) continue;
      auto r = clients[static_cast<size_t>(n)].request(method, target, body, h);
      if (r.ok() && r->status != 503) {
        s.answer = std::move(r).value();
        s.node = n;
        return s;
      }
      ++s.refused;
      if (s.reasons.size() < 16) {
        s.reasons.insert(r.ok() ? r->body.substr(0, 200) : r.error().reason + ": " + r.error().message);
      }
    }
    return s;
  };
  auto node_clients = [&] {
    std::vector<api::HttpClient> c;
    for (int n = 0; n < kNodes; ++n) c.emplace_back("127.0.0.1", port(n));
    return c;
  };

  // Every enterprise registered through node 0 (forwarded to its partition's owner). Until the
  // group has assigned the partitions the nodes answer 503 partition_not_owned: retried.
  std::map<std::string, std::string> key_of;
  {
    auto clients = node_clients();
    for (const std::string& uscc : tenants) {
      Sent s = send(clients, 0, "POST", "/v1/enterprises",
                    fmt::format(R"({{"uscc":"{}","name":"农场 {}","region":"广东省"}})", uscc, uscc.substr(10, 7)),
                    headers(kAdminKey, "register-" + uscc), now_ns() + 60'000'000'000);
      for (const auto& why : s.reasons) MESSAGE("register refused: " << why);
      REQUIRE_MESSAGE(s.answer.has_value(), "no node registered ", uscc);
      INFO(s.answer->body);
      REQUIRE(s.answer->status == 201);
      key_of[uscc] = reply_of(*s.answer).str("/api_key");
    }
  }
  // Every node knows every key before the load: its writer folds the other nodes' partitions
  // (a key registered through one node is checked on another once that node has read it).
  {
    const int64_t deadline = now_ns() + 30'000'000'000;
    for (int n = 0; n < kNodes; ++n) {
      api::HttpClient c("127.0.0.1", port(n));
      for (const std::string& uscc : tenants) {
        for (;;) {
          auto r = c.request("GET", "/v1/enterprise", {}, headers(key_of[uscc]));
          if (r.ok() && r->status == 200) break;
          REQUIRE_MESSAGE(now_ns() < deadline, "node ", n, " does not know the key of ", uscc, ": ",
                          r.ok() ? r->body : r.error().message);
        }
      }
    }
  }
  // The group has settled: every partition owned by exactly one node.
  std::map<int32_t, int> owner_of;
  {
    const int64_t deadline = now_ns() + 60'000'000'000;
    for (;;) {
      owner_of.clear();
      bool overlap = false;
      for (int n = 0; n < kNodes; ++n) {
        for (int64_t p : node_view(port(n)).owned) {
          overlap = overlap || owner_of.count(static_cast<int32_t>(p)) != 0;
          owner_of[static_cast<int32_t>(p)] = n;
        }
      }
      if (!overlap && owner_of.size() == kPartitions) break;
      REQUIRE_MESSAGE(now_ns() < deadline, "the nodes did not settle the partitions' ownership");
    }
  }
  const double settled_s = static_cast<double>(now_ns() - test_start_ns) / 1e9;

  // (a) A command sent to a node that does not own the partition: forwarded, acknowledged with
  // the owner's position; a third node answers a query with that position (read-your-writes).
  {
    const std::string& t = tenants.front();
    const int owner = owner_of[partition_of[t]];
    const int via = (owner + 1) % kNodes, third = (owner + 2) % kNodes;
    api::HttpClient c("127.0.0.1", port(via));
    auto r = c.request("POST", "/v1/batches", batch_body("FWD-1"), headers(key_of[t], "fwd-1"));
    REQUIRE(r.ok());
    INFO(r->body);
    REQUIRE(r->status == 201);
    const std::string position = reply_of(*r).header("X-Agritrace-Position");
    const std::string id = reply_of(*r).str("/id");
    const std::string command_id = reply_of(*r).str("/command_id");
    REQUIRE(!position.empty());
    CHECK(std::stoi(position.substr(0, position.find(':'))) == partition_of[t]);
    api::HttpClient q("127.0.0.1", port(third));
    auto got = q.request("GET", "/v1/batches/" + id, {},
                         {{"Authorization", "Bearer " + key_of[t]}, {"X-Agritrace-After", position}});
    REQUIRE(got.ok());
    CHECK(got->status == 200);
    CHECK(got->body.find("FWD-1") != std::string::npos);
    // The retry through the third node answers the same command (Idempotency-Key, at the owner).
    auto again = q.request("POST", "/v1/batches", batch_body("FWD-1"), headers(key_of[t], "fwd-1"));
    REQUIRE(again.ok());
    CHECK(again->status == 201);
    CHECK(reply_of(*again).str("/command_id") == command_id);
    CHECK(reply_of(*again).header("Idempotent-Replayed") == "true");
    // A request another node already forwarded is never forwarded again.
    auto h = headers(key_of[t], "fwd-2");
    h.emplace_back("X-Agritrace-Forwarded-By", "http://127.0.0.1:1");
    auto loop = c.request("POST", "/v1/batches", batch_body("FWD-2"), h);
    REQUIRE(loop.ok());
    check_problem(reply_of(*loop), 503, "partition_not_owned", "");
    CHECK(reply_of(*loop).header("Retry-After") == "1");
  }

  // The load.
  Load load;
  std::atomic<bool> stop{false};
  std::atomic<int> dead{-1};
  std::atomic<size_t> forwarded{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto http = node_clients();
      for (int n = 0; !stop.load(); ++n) {
        const std::string& tenant = tenants[static_cast<size_t>(c + n * kClients) % tenants.size()];
        const std::string key = fmt::format("c{}-{}", c, n);
        const int64_t submitted = now_ns();
        const int first = (c + n) % kNodes;
        auto backoff = [&] {
          std::unique_lock lock(load.mu);
          const size_t seen = load.acked.size();
          load.cv.wait_for(lock, std::chrono::seconds(1),
                           [&] { return stop.load() || load.acked.size() != seen; });
        };
        Sent s = send(http, first, "POST", "/v1/batches", batch_body("L-" + key), headers(key_of.at(tenant), key),
                      submitted + 60'000'000'000, &dead, backoff);
        std::lock_guard lock(load.mu);
        load.refused += s.refused;
        for (const auto& why : s.reasons) {
          if (load.reasons.size() < 24) load.reasons.insert(why);
        }
        if (!s.answer) continue;  // never acknowledged: never counted
        if (s.answer->status != 201) {
          load.unexpected.push_back(fmt::format("{} {}", s.answer->status, s.answer->body.substr(0, 300)));
          continue;
        }
        load.acked[key] = Load::Ack{tenant, json_str(s.answer->body, "/command_id"),
                                    json_size(s.answer->body, "/events"), s.node, submitted};
        if (load.kill_ns == 0 && owner_of.at(partition_of.at(tenant)) != s.node) forwarded.fetch_add(1);
        if (load.kill_ns != 0 && load.resumed_ns == 0 && submitted > load.kill_ns && load.moved.count(tenant) != 0) {
          load.resumed_ns = now_ns();
        }
        if (load.broker_kill_ns != 0 && load.broker_resumed_ns == 0 && submitted > load.broker_kill_ns) {
          load.broker_resumed_ns = now_ns();
        }
        load.cv.notify_all();
      }
    });
  }
  auto wait_for = [&](auto condition, int seconds) {
    std::unique_lock lock(load.mu);
    return load.cv.wait_for(lock, std::chrono::seconds(seconds), [&] { return condition(); });
  };
  CHECK(wait_for([&] { return load.acked.size() >= 30; }, 60));

  // (b) SIGKILL the last node (it owns partitions: the group spread them over the three).
  const int victim = kNodes - 1;
  {
    std::lock_guard lock(load.mu);
    for (const auto& [t, p] : partition_of) {
      if (owner_of[p] == victim) load.moved.insert(t);
    }
    REQUIRE_MESSAGE(!load.moved.empty(), "node ", victim, " owns no partition");
    load.kill_ns = now_ns();
  }
  nodes[victim].server->kill_hard();
  nodes[victim].alive = false;
  dead.store(victim);
  const bool resumed = wait_for([&] { return load.resumed_ns != 0; }, 60);
  size_t at_resume = 0;
  {
    std::lock_guard lock(load.mu);
    at_resume = load.acked.size();
  }
  CHECK(wait_for([&] { return load.acked.size() >= at_resume + 30; }, 60));

  // (c) Then one of the three brokers dies too (SIGKILL): the topic (RF 3, min ISR 2) and the
  // writers' group go on with two; writes resume within 10 s.
  RestartBrokerOnExit restart_broker;
  bool broker_resumed = false;
  // The writers' group coordinator: the hardest broker to lose (the group, and any request the
  // nodes address to the coordinator, must move to another broker).
  const int victim_broker = leader_of(brokers, "__consumer_offsets");
  {
    {
      std::lock_guard lock(load.mu);
      load.broker_kill_ns = now_ns();
    }
    REQUIRE(cluster_script("kill-broker", victim_broker) == 0);
    restart_broker.broker = victim_broker;
    broker_resumed = wait_for([&] { return load.broker_resumed_ns != 0; }, 60);
    size_t at_broker_resume = 0;
    {
      std::lock_guard lock(load.mu);
      at_broker_resume = load.acked.size();
    }
    CHECK(wait_for([&] { return load.acked.size() >= at_broker_resume + 20; }, 60));
  }
  stop.store(true);
  load.cv.notify_all();
  for (auto& t : clients) t.join();
  {
    // The broker back before anything else (the views' convergence is checked on three brokers).
    CHECK(cluster_script("start-broker", victim_broker) == 0);
    restart_broker.broker = 0;
  }

  const double resume_s = resumed ? static_cast<double>(load.resumed_ns - load.kill_ns) / 1e9 : -1;
  MESSAGE(fmt::format("nodes started in {:.1f} s, ownership settled at {:.1f} s; acknowledged {} ({} forwarded "
                      "before the kill), refused attempts {}; writes of the killed node's enterprises "
                      "resumed {:.2f} s after the kill",
                      started_s, settled_s, load.acked.size(), forwarded.load(), load.refused, resume_s));
  const double broker_resume_s =
      broker_resumed ? static_cast<double>(load.broker_resumed_ns - load.broker_kill_ns) / 1e9 : -1;
  MESSAGE(fmt::format("broker {} (the writers' group coordinator) killed: writes resumed {:.2f} s after it",
                      victim_broker, broker_resume_s));
  for (const std::string& why : load.reasons) MESSAGE("refused: " << why);
  for (const std::string& what : load.unexpected) MESSAGE("unexpected: " << what);
  CHECK(load.unexpected.empty());
  CHECK(forwarded.load() > 0);
  REQUIRE(resumed);
  CHECK(resume_s <= 10.0);
  REQUIRE(broker_resumed);
  CHECK(broker_resume_s <= 10.0);

  // Every acknowledged command is in the topic once, with the events its answer listed.
  const LedgerCensus census = read_census(**topic_ledger);
  const auto& commands_by_key = census.commands_by_key;
  auto events_by_command = census.events_by_command;
  size_t lost = 0, doubled = 0;
  for (const auto& [key, ack] : load.acked) {
    auto it = commands_by_key.find(key);
    if (it == commands_by_key.end() || it->second.count(ack.command_id) == 0) ++lost;
    if (it != commands_by_key.end() && it->second.size() > 1) ++doubled;
    if (events_by_command[ack.command_id] != ack.events) ++doubled;
  }
  MESSAGE(fmt::format("lost {}, doubled {}", lost, doubled));
  CHECK(lost == 0);
  CHECK(doubled == 0);

  // (d) The surviving nodes' views converge to one digest.
  {
    const int64_t deadline = now_ns() + 60'000'000'000;
    NodeView a, b;
    for (;;) {
      a = node_view(port(0));
      b = node_view(port(1));
      if (a.answered && b.answered && a.caught_up && b.caught_up && a.next_offsets == b.next_offsets &&
          a.digest == b.digest) {
        break;
      }
      if (now_ns() >= deadline) break;
    }
    INFO("node 0: ", a.digest, " node 1: ", b.digest);
    CHECK(a.answered);
    CHECK(a.caught_up);
    CHECK(a.next_offsets == b.next_offsets);
    CHECK(a.digest == b.digest);
  }
  // The nodes are killed when the test ends (ServerProcess): a graceful stop proves nothing here.
  MESSAGE(fmt::format("the test took {:.1f} s", static_cast<double>(now_ns() - test_start_ns) / 1e9));
}

TEST_CASE(
    "cluster nodes R-8: three serve nodes forward commands to the owner, a node killed under load hands its "
    "partitions over within 10 s, then the group coordinator's broker is killed and writes resume within 10 s, "
    "nothing lost or doubled, views converge [kafka-cluster]") {
  nodes_scenario();
}

}  // namespace
}  // namespace agritrace::testing
