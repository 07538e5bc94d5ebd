// Issue 17: partition ownership among several writer nodes on one Kafka topic
// (events/cluster/kafka_ownership.h), on the single test broker (AGRITRACE_TEST_KAFKA). Two
// nodes in this process, each with its own per-partition ledger, ownership (consumer group
// `agritrace-writers.<topic>`) and command writer. No sleeps: the test waits on the ownership's
// changes and on the commands' answers, bounded by the Env's monotonic clock.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/base/identifiers.h"
#include "core/domain/command.h"
#include "events/cluster/kafka_ownership.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr int32_t kPartitions = 4;

std::string kafka_address() {
  const char* v = std::getenv("AGRITRACE_TEST_KAFKA");
  if (v == nullptr || *v == '\0') FAIL("AGRITRACE_TEST_KAFKA not set: run ./scripts/test");
  return v;
}

// A valid USCC (GB 32100) from a 17-character prefix: the check character that passes.
std::string uscc(const std::string& prefix17) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (char c : kChars) {
    std::string code = prefix17 + c;
    if (core::validate_uscc(code, "uscc").ok()) return code;
  }
  FAIL("no check character for " << prefix17);
  return {};
}

events::KafkaLedgerOptions ledger_options(const std::string& topic, Env* env) {
  events::KafkaLedgerOptions o;
  o.brokers = kafka_address();
  o.topic = topic;
  o.partitions = kPartitions;
  o.transactional_id = "agritrace-writer." + topic;
  o.per_partition_writers = true;
  o.env = env;
  return o;
}

// One writer node: its ledger, ownership and command writer, wired as `serve --kafka` does.
struct Node {
  std::string url;
  std::unique_ptr<events::Ledger> ledger;
  std::unique_ptr<events::KafkaOwnership> ownership;
  std::unique_ptr<events::CommandWriter> writer;

  Node(const std::string& topic, std::string self_url, Env* env) : url(std::move(self_url)) {
    auto l = events::open_kafka_ledger(ledger_options(topic, env));
    REQUIRE_MESSAGE(l.ok(), l.status().to_string());
    ledger = std::move(l).value();
    events::KafkaOwnershipOptions oo;
    oo.brokers = kafka_address();
    oo.topic = topic;
    oo.self_url = url;
    oo.env = env;
    auto o = events::KafkaOwnership::create(*ledger, oo);
    REQUIRE_MESSAGE(o.ok(), o.status().to_string());
    ownership = std::move(o).value();
    events::CommandWriterOptions wo;
    wo.env = env;
    wo.ownership = ownership.get();
    auto w = events::start_command_writer(*ledger, wo);
    REQUIRE_MESSAGE(w.ok(), w.status().to_string());
    writer = std::move(w).value();
    REQUIRE(ownership->start(*writer).ok());
  }
  ~Node() { stop(); }
  void stop() {
    if (ownership) ownership->stop();
    if (writer) writer->stop();
  }

  Result<events::CommandOutcome> run(const std::string& tenant, const std::string& key,
                                     core::Command c) {
    std::promise<Result<events::CommandOutcome>> p;
    auto f = p.get_future();
    events::CommandSubmission s;
    s.command_name = "test";
    s.tenant = tenant;
    s.actor = "key-" + tenant;
    s.idempotency_key = key;
    s.request_hash = "h-" + key;
    s.command = std::move(c);
    s.done = [&p](Result<events::CommandOutcome> r) { p.set_value(std::move(r)); };
    writer->submit(std::move(s));
    return f.get();
  }
};

core::Command register_cmd(const std::string& tenant) {
  return core::RegisterEnterprise{tenant, "农场 " + tenant, "广东省", "key-" + tenant,
                                  std::string(64, 'a')};
}
core::Command batch_cmd(const std::string& lot) {
  return core::CreateBatch{
      "菜心", lot, core::Quantity{5000, core::Unit::kGram}, test_date(0), std::nullopt, "", {}};
}

std::set<int32_t> as_set(const std::vector<int32_t>& v) { return {v.begin(), v.end()}; }

// Waits (bounded) until the two nodes own disjoint sets covering every partition, the first
// owning `first_count` of them when that is >= 0.
bool wait_split(Env& env, Node& a, Node* b, int seconds) {
  const int64_t deadline = env.monotonic_ns() + int64_t{seconds} * 1'000'000'000;
  std::vector<int32_t> seen_a = a.ownership->owned_partitions();
  while (env.monotonic_ns() < deadline) {
    const std::set<int32_t> sa = as_set(seen_a);
    const std::set<int32_t> sb = b ? as_set(b->ownership->owned_partitions()) : std::set<int32_t>{};
    std::set<int32_t> all = sa;
    all.insert(sb.begin(), sb.end());
    const bool disjoint = sa.size() + sb.size() == all.size();
    if (disjoint && all.size() == static_cast<size_t>(kPartitions) && (b == nullptr || !sb.empty())) {
      return true;
    }
    seen_a = a.ownership->wait_owned_change(seen_a, 200);
  }
  return false;
}

TEST_CASE(
    "kafka ownership R-8: two writer nodes own disjoint partitions, refuse partition_not_owned "
    "elsewhere, and a stopped node's partitions move with every hash chain intact [kafka]") {
  events::ControlledEnv env(events::posix_env());
  env.start_at(test_now_ms());
  const std::string topic = unique_name("test-owners");
  auto a = std::make_unique<Node>(topic, "http://127.0.0.1:18081", &env);
  // A alone owns everything, then B joins and takes its share.
  REQUIRE(wait_split(env, *a, nullptr, 30));
  auto b = std::make_unique<Node>(topic, "http://127.0.0.1:18082", &env);
  REQUIRE_MESSAGE(wait_split(env, *a, b.get(), 30),
                  "A owns " << a->ownership->owned_partitions().size() << ", B owns "
                            << b->ownership->owned_partitions().size());
  MESSAGE(fmt::format("A owns {}, B owns {}", fmt::join(a->ownership->owned_partitions(), ","),
                      fmt::join(b->ownership->owned_partitions(), ",")));

  // Two enterprises in every partition.
  std::map<int32_t, std::vector<std::string>> tenants;
  for (int i = 0; tenants.size() < kPartitions || std::any_of(tenants.begin(), tenants.end(),
                                                              [](auto& t) { return t.second.size() < 2; });
       ++i) {
    REQUIRE(i < 10000);
    const std::string t = uscc(fmt::format("91440101MA{:07d}", i));
    auto& list = tenants[a->ledger->partition_for(t)];
    if (list.size() < 2) list.push_back(t);
  }
  auto owner_of = [&](int32_t p) -> Node& { return a->ownership->owns(p) ? *a : *b; };
  auto other_of = [&](int32_t p) -> Node& { return a->ownership->owns(p) ? *b : *a; };

  // Every enterprise registers and records a batch on its owner; the other node refuses it.
  std::map<std::string, int> events_of;  // tenant -> events acknowledged
  for (auto& [p, list] : tenants) {
    for (const std::string& t : list) {
      auto refused = other_of(p).run(t, "reg-" + t, register_cmd(t));
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.error().code == ErrorCode::kUnavailable);
      CHECK(refused.error().reason == "partition_not_owned");
      auto reg = owner_of(p).run(t, "reg-" + t, register_cmd(t));
      REQUIRE_MESSAGE(reg.ok(), reg.status().to_string());
      auto batch = owner_of(p).run(t, "b1-" + t, batch_cmd("L1-" + t.substr(10)));
      REQUIRE_MESSAGE(batch.ok(), batch.status().to_string());
      events_of[t] += static_cast<int>(reg->events.size() + batch->events.size());
    }
  }
  // The non-owner learns who owns a partition (members' client ids) for forwarding.
  {
    const int32_t p = b->ownership->owned_partitions().front();
    const int64_t deadline = env.monotonic_ns() + 10'000'000'000;
    while (a->ownership->owner_url(p) != b->url && env.monotonic_ns() < deadline) {
      (void)a->ownership->wait_owned_change(a->ownership->owned_partitions(), 100);
    }
    CHECK(a->ownership->owner_url(p) == b->url);
    CHECK_FALSE(a->ownership->owns(p));
  }
  // The other node follows the partitions it does not own (its writer keeps folding them):
  // once it has folded up to their end, every registration (credentials) is known on both.
  {
    auto ends = a->ledger->end_offsets();
    REQUIRE(ends.ok());
    for (auto& [p, list] : tenants) {
      Status folded = other_of(p).writer->catch_up(p, (*ends)[static_cast<size_t>(p)], 10'000);
      REQUIRE_MESSAGE(folded.ok(), folded.to_string());
      for (const std::string& t : list) {
        CHECK(owner_of(p).writer->tenant_registered(t));
        CHECK(other_of(p).writer->tenant_registered(t));
      }
    }
  }

  // A group spanning the partitions a node owns: one transaction per partition, all acknowledged.
  {
    Node& n = a->ownership->owned_partitions().size() >= 2 ? *a : *b;
    std::vector<std::promise<Result<events::CommandOutcome>>> promises(8);
    std::vector<events::CommandSubmission> subs;
    std::vector<std::string> whose;
    size_t k = 0;
    for (int32_t p : n.ownership->owned_partitions()) {
      for (const std::string& t : tenants[p]) {
        if (k == promises.size()) break;
        events::CommandSubmission s;
        s.command_name = "test";
        s.tenant = t;
        s.actor = "key-" + t;
        s.idempotency_key = fmt::format("g-{}-{}", k, t);
        s.request_hash = "h-" + s.idempotency_key;
        s.command = batch_cmd(fmt::format("G{}-{}", k, t.substr(10)));
        s.done = [&promises, k](Result<events::CommandOutcome> r) {
          promises[k].set_value(std::move(r));
        };
        subs.push_back(std::move(s));
        whose.push_back(t);
        ++k;
      }
    }
    n.writer->submit_all(std::move(subs));
    for (size_t i = 0; i < k; ++i) {
      auto r = promises[i].get_future().get();
      REQUIRE_MESSAGE(r.ok(), r.status().to_string());
      events_of[whose[i]] += static_cast<int>(r->events.size());
    }
  }

  // A stops (leaves the group): B owns everything within a few seconds and continues every
  // enterprise's chain.
  const int64_t stop_ns = env.monotonic_ns();
  a->stop();
  REQUIRE(wait_split(env, *b, nullptr, 20));
  const double handover_s = static_cast<double>(env.monotonic_ns() - stop_ns) / 1e9;
  MESSAGE(fmt::format("B owns every partition {:.2f} s after A stopped", handover_s));
  CHECK(handover_s <= 10.0);
  for (auto& [p, list] : tenants) {
    for (const std::string& t : list) {
      auto batch = b->run(t, "b2-" + t, batch_cmd("L2-" + t.substr(10)));
      REQUIRE_MESSAGE(batch.ok(), batch.status().to_string());
      events_of[t] += static_cast<int>(batch->events.size());
      // A retry of a command A acknowledged answers A's answer (keys folded by B).
      auto again = b->run(t, "b1-" + t, batch_cmd("L1-" + t.substr(10)));
      REQUIRE(again.ok());
      CHECK(again->replayed);
    }
  }
  b->stop();

  // `agritrace verify`-equivalent: a fresh writer folds the whole topic and checks every chain
  // link (hash_chain_broken otherwise); every acknowledged event is there once.
  auto ro = ledger_options(topic, &env);
  ro.transactional_id.clear();
  ro.per_partition_writers = false;
  auto reader_ledger = events::open_kafka_ledger(ro);
  REQUIRE(reader_ledger.ok());
  events::CommandWriterOptions wo;
  wo.env = &env;
  auto refolded = events::start_command_writer(**reader_ledger, wo);
  REQUIRE_MESSAGE(refolded.ok(), refolded.status().to_string());
  (*refolded)->stop();
  auto reader = (*reader_ledger)->open_reader({});
  REQUIRE(reader.ok());
  std::map<std::string, int> seen;
  for (;;) {
    auto polled = (*reader)->poll(1000, 4096);
    REQUIRE(polled.ok());
    for (const auto& se : polled->events) ++seen[se.envelope.tenant];
    if (polled->at_end) break;
  }
  for (const auto& [t, n] : events_of) CHECK_MESSAGE(seen[t] == n, t);
}

TEST_CASE(
    "kafka ownership R-8: a crashed node's partitions move to the other after the session "
    "timeout and retries of its acknowledged commands are answered once [kafka]") {
  events::ControlledEnv env(events::posix_env());
  env.start_at(test_now_ms());
  const std::string topic = unique_name("test-owners-crash");
  auto a = std::make_unique<Node>(topic, "http://127.0.0.1:18091", &env);
  REQUIRE(wait_split(env, *a, nullptr, 30));
  auto b = std::make_unique<Node>(topic, "http://127.0.0.1:18092", &env);
  REQUIRE(wait_split(env, *a, b.get(), 30));
  // One enterprise in each of A's partitions, acknowledged by A.
  std::vector<std::string> on_a;
  std::set<int32_t> covered;
  for (int i = 0; covered.size() < a->ownership->owned_partitions().size(); ++i) {
    REQUIRE(i < 10000);
    const std::string t = uscc(fmt::format("91440300MA{:07d}", i));
    const int32_t p = a->ledger->partition_for(t);
    if (!a->ownership->owns(p) || !covered.insert(p).second) continue;
    on_a.push_back(t);
  }
  std::map<std::string, std::string> acked;  // tenant -> command id of its batch
  for (const std::string& t : on_a) {
    REQUIRE(a->run(t, "reg-" + t, register_cmd(t)).ok());
    auto batch = a->run(t, "b1-" + t, batch_cmd("L1-" + t.substr(10)));
    REQUIRE_MESSAGE(batch.ok(), batch.status().to_string());
    acked[t] = batch->command_id;
  }
  // A crashes: no LeaveGroup; B takes A's partitions once A's session times out (6 s).
  const int64_t crash_ns = env.monotonic_ns();
  a->ownership->abandon();
  REQUIRE(wait_split(env, *b, nullptr, 30));
  const double handover_s = static_cast<double>(env.monotonic_ns() - crash_ns) / 1e9;
  MESSAGE(fmt::format("B owns every partition {:.2f} s after A crashed", handover_s));
  CHECK(handover_s <= 15.0);
  for (const std::string& t : on_a) {
    // The client's retry of A's acknowledged command: answered from the folded key, not doubled.
    auto again = b->run(t, "b1-" + t, batch_cmd("L1-" + t.substr(10)));
    REQUIRE_MESSAGE(again.ok(), again.status().to_string());
    CHECK(again->replayed);
    CHECK(again->command_id == acked[t]);
    // The chain goes on at B.
    auto next = b->run(t, "b2-" + t, batch_cmd("L2-" + t.substr(10)));
    REQUIRE_MESSAGE(next.ok(), next.status().to_string());
  }
  // A (still running its writer) refuses: it owns nothing any more.
  auto stale = a->run(on_a.front(), "b3", batch_cmd("L3"));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().reason == "partition_not_owned");
  a->stop();
  b->stop();
  // The chains fold afresh.
  auto ro = ledger_options(topic, &env);
  ro.transactional_id.clear();
  ro.per_partition_writers = false;
  auto reader_ledger = events::open_kafka_ledger(ro);
  REQUIRE(reader_ledger.ok());
  events::CommandWriterOptions wo;
  wo.env = &env;
  auto refolded = events::start_command_writer(**reader_ledger, wo);
  REQUIRE_MESSAGE(refolded.ok(), refolded.status().to_string());
  (*refolded)->stop();
}

// The values of partition 0 of `topic` a read_committed reader sees, from its beginning.
std::vector<std::string> committed_values(const std::string& topic) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[256];
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", kafka_address()},
           {"group.id", "test-owners-reader"},
           {"enable.auto.commit", "false"},
           {"isolation.level", "read_committed"},
           {"enable.partition.eof", "true"}}) {
    REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof(errstr)) == RD_KAFKA_CONF_OK);
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  REQUIRE(rk != nullptr);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(rk, list) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<std::string> values;
  for (int polls = 0; polls < 100; ++polls) {  // 100 polls of at most 100 ms: a bound, not a wait
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    const bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      values.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
    if (eof) break;
  }
  rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  return values;
}

events::Envelope test_event(const std::string& tenant, int64_t seq, const std::string& prev,
                            Env& env) {
  events::Envelope e;
  auto ids = events::new_event_ids(env, 2);
  REQUIRE(ids.ok());
  e.id = (*ids)[0];
  e.command_id = (*ids)[1];
  e.type = "batch.created";
  e.tenant = tenant;
  e.tenant_seq = seq;
  e.actor = "test";
  e.occurred_at_ms = env.now_ms();
  e.recorded_at_ms = env.now_ms();
  e.subject = "b-" + std::to_string(seq);
  e.payload_json = "{}";
  e.prev_hash = prev;
  e.hash = events::compute_chain_hash(e);
  return e;
}

TEST_CASE(
    "kafka ownership R-8: a stale owner's producer is fenced when another node acquires its "
    "partition and nothing it appends or announces afterwards is visible [kafka]") {
  events::ControlledEnv env(events::posix_env());
  env.start_at(test_now_ms());
  const std::string topic = unique_name("test-fence");
  auto a = events::open_kafka_ledger(ledger_options(topic, &env));
  REQUIRE_MESSAGE(a.ok(), a.status().to_string());
  auto b = events::open_kafka_ledger(ledger_options(topic, &env));
  REQUIRE_MESSAGE(b.ok(), b.status().to_string());
  const std::string tenant = uscc("91440101MA0000001");
  const int32_t p = (*a)->partition_for(tenant);

  // Not acquired: refused before anything is written.
  std::vector<events::Position> pos;
  auto first = test_event(tenant, 1, events::genesis_hash(), env);
  Status not_yet = (*a)->append({first}, &pos);
  REQUIRE_FALSE(not_yet.ok());
  CHECK(not_yet.error().reason == "partition_not_owned");

  auto end_a = (*a)->acquire_partition(p);
  REQUIRE_MESSAGE(end_a.ok(), end_a.status().to_string());
  REQUIRE((*a)->append({first}, &pos).ok());
  // B acquires p: its init_transactions fences A's producer; B sees p's end after A's event.
  auto end_b = (*b)->acquire_partition(p);
  REQUIRE_MESSAGE(end_b.ok(), end_b.status().to_string());
  CHECK(*end_b > pos[0].offset);
  // A still holds its producer for p (a stale owner that has not heard of the rebalance).
  auto stale = test_event(tenant, 2, first.hash, env);
  Status fenced = (*a)->append({stale}, &pos);
  REQUIRE_FALSE(fenced.ok());
  CHECK(fenced.error().code == ErrorCode::kUnavailable);
  CHECK(fenced.error().reason == "partition_not_owned");
  // Once fenced, never again: the next append is refused without a producer.
  Status again = (*a)->append({stale}, &pos);
  CHECK(again.error().reason == "partition_not_owned");
  // The new owner continues the chain.
  auto next = test_event(tenant, 2, first.hash, env);
  REQUIRE((*b)->append({next}, &pos).ok());

  // A read_committed reader sees the first event and the new owner's, never the stale one.
  auto reader = (*b)->open_reader({});
  REQUIRE(reader.ok());
  std::vector<std::string> ids;
  for (;;) {
    auto polled = (*reader)->poll(1000, 100);
    REQUIRE(polled.ok());
    for (const auto& se : polled->events) ids.push_back(se.envelope.id);
    if (polled->at_end) break;
  }
  CHECK(ids == std::vector<std::string>{first.id, next.id});

  // An owner announcement (Ledger::append_fenced_record: KafkaOwnership's `<topic>.owners`) goes
  // through the partition's producer, so it is fenced like the events: A takes p back (fencing
  // B), B's stale announcement is refused, A's lands, a read_committed reader sees only A's.
  const std::string side = topic + ".owners";
  {
    auto side_options = ledger_options(side, &env);
    side_options.partitions = 1;
    side_options.transactional_id.clear();
    side_options.per_partition_writers = false;
    REQUIRE(events::open_kafka_ledger(side_options).ok());  // creates the topic
  }
  auto end_again = (*a)->acquire_partition(p);
  REQUIRE_MESSAGE(end_again.ok(), end_again.status().to_string());
  Status stale_claim = (*b)->append_fenced_record(p, side, std::to_string(p), "node-b", 10'000);
  REQUIRE_FALSE(stale_claim.ok());
  CHECK(stale_claim.error().reason == "partition_not_owned");
  CHECK_FALSE((*b)->holds_partition(p));  // fenced: dropped
  CHECK((*a)->holds_partition(p));
  Status claim = (*a)->append_fenced_record(p, side, std::to_string(p), "node-a", 10'000);
  REQUIRE_MESSAGE(claim.ok(), claim.to_string());
  CHECK(committed_values(side) == std::vector<std::string>{"node-a"});
}

}  // namespace
}  // namespace agritrace::testing
