// One contract for every Ledger backend: the embedded RocksDB ledger and the Kafka ledger must
// behave the same for everything the rest of the system relies on. Kafka cases need a broker:
// AGRITRACE_TEST_KAFKA=127.0.0.1:19092 (scripts/kafka start); without it they fail, not skip.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "events/envelope/envelope.h"
#include "events/ledger/ledger.h"
#include "events/env/posix_env.h"
#include "tests/support/test_env.h"

namespace agritrace::events {
namespace {

// Deadlines and durations on the Env's monotonic clock (nothing reads a clock directly).
int64_t mono_ms() { return posix_env().monotonic_ns() / 1'000'000; }
using LedgerPtr = std::unique_ptr<Ledger>;

// Opens (or reopens) the one ledger a test case works on.
using LedgerFactory = std::function<Result<LedgerPtr>()>;

constexpr int32_t kPartitions = 4;

LedgerPtr open_or_fail(const LedgerFactory& open) {
  Result<LedgerPtr> r = open();
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return std::move(r).value();
}

// Each test gets its own ledger; the factory keeps what backs it (temp dir) alive.
LedgerFactory embedded_factory() {
  auto dir = std::make_shared<testing::TempDir>();
  return [dir]() {
    LocalLedgerOptions o;
    o.path = dir->path() + "/ledger";
    o.partitions = kPartitions;
    return open_local_ledger(o);
  };
}

KafkaLedgerOptions kafka_options(const std::string& suffix) {
  KafkaLedgerOptions o;
  o.brokers = testing::kafka_brokers_or_empty();
  o.topic = "agritrace.test." + suffix;
  o.partitions = kPartitions;
  o.transactional_id = "agritrace-test-" + suffix;
  o.timeout_ms = 15000;
  return o;
}

LedgerFactory kafka_factory() {
  const std::string suffix = testing::unique_suffix();
  return [suffix]() { return open_kafka_ledger(kafka_options(suffix)); };
}

void require_kafka() {
  if (testing::kafka_brokers_or_empty().empty()) {
    FAIL("AGRITRACE_TEST_KAFKA not set: run ./scripts/test");
  }
}

Envelope make_event(const std::string& tenant, int64_t seq, std::string* prev_hash) {
  Envelope e;
  e.id = new_event_id(posix_env()).value();
  e.type = "batch.received";
  e.schema_version = 2;
  e.tenant = tenant;
  e.tenant_seq = seq;
  e.actor = "key:test";
  e.occurred_at_ms = 1764107941000 + seq;
  e.recorded_at_ms = 1764107942000 + seq;
  e.command_id = "cmd-" + tenant + "-" + std::to_string(seq);
  e.idempotency_key = seq % 2 == 0 ? "idem-" + std::to_string(seq) : "";
  e.request_hash = "rh" + std::to_string(seq);
  e.subject = "batch-" + std::to_string(seq);
  e.payload_json = R"({"n":)" + std::to_string(seq) + R"(,"note":"菜心 \"q\""})";
  e.prev_hash = *prev_hash;
  e.hash = compute_chain_hash(e);
  *prev_hash = e.hash;
  return e;
}

// Builds events per tenant with gapless tenant_seq and a valid hash chain.
class EventMaker {
 public:
  Envelope next(const std::string& tenant) {
    auto [it, inserted] = prev_.try_emplace(tenant, genesis_hash());
    return make_event(tenant, ++seq_[tenant], &it->second);
  }

 private:
  std::map<std::string, int64_t> seq_;
  std::map<std::string, std::string> prev_;
};

void check_same(const Envelope& got, const Envelope& want) {
  CHECK(got.id == want.id);
  CHECK(got.type == want.type);
  CHECK(got.schema_version == want.schema_version);
  CHECK(got.tenant == want.tenant);
  CHECK(got.tenant_seq == want.tenant_seq);
  CHECK(got.actor == want.actor);
  CHECK(got.occurred_at_ms == want.occurred_at_ms);
  CHECK(got.recorded_at_ms == want.recorded_at_ms);
  CHECK(got.command_id == want.command_id);
  CHECK(got.idempotency_key == want.idempotency_key);
  CHECK(got.request_hash == want.request_hash);
  CHECK(got.subject == want.subject);
  CHECK(got.payload_json == want.payload_json);
  CHECK(got.prev_hash == want.prev_hash);
  CHECK(got.hash == want.hash);
}

struct ReadAll {
  std::vector<StoredEvent> events;
  bool reached_end = false;
};

// Polls until at_end (or a 20 s deadline): the way replay reads the ledger.
ReadAll read_to_end(LedgerReader& reader) {
  ReadAll out;
  const int64_t deadline = mono_ms() + 20'000;
  while (mono_ms() < deadline) {
    Result<PollResult> r = reader.poll(200, 1000);
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    for (StoredEvent& e : r->events) out.events.push_back(std::move(e));
    if (r->at_end) {
      out.reached_end = true;
      break;
    }
  }
  return out;
}

ReadAll read_from(Ledger& ledger, const std::vector<int64_t>& next) {
  Result<std::unique_ptr<LedgerReader>> reader = ledger.open_reader(next);
  REQUIRE_MESSAGE(reader.ok(), reader.status().to_string());
  return read_to_end(**reader);
}

std::vector<Position> append_ok(Ledger& ledger, const std::vector<Envelope>& events) {
  std::vector<Position> positions;
  Status s = ledger.append(events, &positions);
  REQUIRE_MESSAGE(s.ok(), s.to_string());
  REQUIRE(positions.size() == events.size());
  return positions;
}

// Tenants spread over the partitions; the contract test needs at least two partitions used.
const std::vector<std::string> kTenants = {"91350100M000100Y43", "91110000600037341L",
                                           "91440300708461136T", "9133000014306073XD"};

void run_ledger_contract(const LedgerFactory& open) {
  LedgerPtr ledger = open_or_fail(open);
  REQUIRE(ledger->partition_count() == kPartitions);
  EventMaker maker;
  const std::string& a = kTenants[0];
  const std::string& b = kTenants[1];
  const std::string& c = kTenants[2];

  // A batch mixing tenants, then a second one: the basis of every subcase.
  std::vector<Envelope> batch1 = {maker.next(a), maker.next(b), maker.next(a),
                                  maker.next(c), maker.next(b), maker.next(a)};
  std::vector<Envelope> batch2 = {maker.next(a), maker.next(b)};
  std::vector<Position> pos1 = append_ok(*ledger, batch1);
  std::vector<Position> pos2 = append_ok(*ledger, batch2);
  std::vector<Envelope> all = batch1;
  all.insert(all.end(), batch2.begin(), batch2.end());
  std::vector<Position> all_pos = pos1;
  all_pos.insert(all_pos.end(), pos2.begin(), pos2.end());

  SUBCASE("partition_for is stable and in range") {
    std::set<int32_t> used;
    for (const std::string& t : kTenants) {
      const int32_t p = ledger->partition_for(t);
      CHECK(p >= 0);
      CHECK(p < kPartitions);
      CHECK(ledger->partition_for(t) == p);
      used.insert(p);
    }
    CHECK(used.size() >= 2);  // otherwise the multi-partition checks below prove little
  }

  SUBCASE("each event lands in its tenant's partition, in order, contiguous per batch") {
    for (const auto& [batch, pos] : {std::pair{&batch1, &pos1}, std::pair{&batch2, &pos2}}) {
      std::map<int32_t, int64_t> last;  // partition -> last offset in this batch
      for (size_t i = 0; i < batch->size(); ++i) {
        const Position& p = (*pos)[i];
        CHECK(p.partition == ledger->partition_for((*batch)[i].tenant));
        CHECK(p.offset >= 0);
        if (auto it = last.find(p.partition); it != last.end()) {
          CHECK(p.offset == it->second + 1);
        }
        last[p.partition] = p.offset;
      }
    }
    // A later batch comes after an earlier one in every partition both use.
    for (size_t i = 0; i < pos1.size(); ++i) {
      for (const Position& later : pos2) {
        if (later.partition == pos1[i].partition) CHECK(later.offset > pos1[i].offset);
      }
    }
  }

  SUBCASE("a reader from the start sees every event, identical, tenant order kept") {
    ReadAll read = read_from(*ledger, {});
    CHECK(read.reached_end);
    REQUIRE(read.events.size() == all.size());
    std::map<std::pair<int32_t, int64_t>, const Envelope*> by_pos;
    for (size_t i = 0; i < all.size(); ++i) {
      by_pos[{all_pos[i].partition, all_pos[i].offset}] = &all[i];
    }
    std::map<std::string, int64_t> tenant_seq;
    std::map<int32_t, int64_t> last_offset;
    for (const StoredEvent& se : read.events) {
      auto it = by_pos.find({se.position.partition, se.position.offset});
      REQUIRE_MESSAGE(it != by_pos.end(), "unexpected position " << se.position.to_string());
      check_same(se.envelope, *it->second);
      CHECK(se.envelope.tenant_seq == tenant_seq[se.envelope.tenant] + 1);
      tenant_seq[se.envelope.tenant] = se.envelope.tenant_seq;
      if (last_offset.count(se.position.partition) != 0) {
        CHECK(se.position.offset > last_offset[se.position.partition]);
      }
      last_offset[se.position.partition] = se.position.offset;
    }
  }

  SUBCASE("end_offsets lie past every event and a reader from them is at the end") {
    Result<std::vector<int64_t>> ends = ledger->end_offsets();
    REQUIRE_MESSAGE(ends.ok(), ends.status().to_string());
    REQUIRE(ends->size() == static_cast<size_t>(kPartitions));
    for (const Position& p : all_pos) CHECK((*ends)[p.partition] > p.offset);
    ReadAll read = read_from(*ledger, *ends);
    CHECK(read.reached_end);
    CHECK(read.events.empty());
  }

  SUBCASE("a reader from a given offset starts there") {
    Result<std::vector<int64_t>> ends = ledger->end_offsets();
    REQUIRE(ends.ok());
    // Partition of tenant a from its second event; every other partition from its end.
    const Position start = pos1[2];
    std::vector<int64_t> next = *ends;
    next[start.partition] = start.offset;
    ReadAll read = read_from(*ledger, next);
    CHECK(read.reached_end);
    std::vector<const Envelope*> want;
    for (size_t i = 0; i < all.size(); ++i) {
      if (all_pos[i].partition == start.partition && all_pos[i].offset >= start.offset) {
        want.push_back(&all[i]);
      }
    }
    REQUIRE(read.events.size() == want.size());
    CHECK(read.events.front().position.offset == start.offset);
    for (size_t i = 0; i < want.size(); ++i) check_same(read.events[i].envelope, *want[i]);
  }

  SUBCASE("a reader follows the tail") {
    Result<std::unique_ptr<LedgerReader>> reader = ledger->open_reader({});
    REQUIRE(reader.ok());
    ReadAll first = read_to_end(**reader);
    CHECK(first.reached_end);
    CHECK(first.events.size() == all.size());

    std::vector<Envelope> batch3 = {maker.next(c), maker.next(a), maker.next(kTenants[3])};
    std::vector<Position> pos3 = append_ok(*ledger, batch3);
    std::vector<StoredEvent> seen;
    bool at_end = false;
    const int64_t deadline = mono_ms() + 20'000;
    while (mono_ms() < deadline && !(seen.size() >= batch3.size() && at_end)) {
      Result<PollResult> r = (*reader)->poll(200, 100);
      REQUIRE(r.ok());
      for (StoredEvent& e : r->events) seen.push_back(std::move(e));
      at_end = r->at_end;
    }
    CHECK(at_end);
    REQUIRE(seen.size() == batch3.size());
    std::map<std::pair<int32_t, int64_t>, const Envelope*> by_pos;
    for (size_t i = 0; i < batch3.size(); ++i) {
      by_pos[{pos3[i].partition, pos3[i].offset}] = &batch3[i];
    }
    for (const StoredEvent& se : seen) {
      auto it = by_pos.find({se.position.partition, se.position.offset});
      REQUIRE(it != by_pos.end());
      check_same(se.envelope, *it->second);
    }
  }

  SUBCASE("reopening keeps everything and appends continue after it") {
    Result<std::vector<int64_t>> ends_before = ledger->end_offsets();
    REQUIRE(ends_before.ok());
    const std::string describe = ledger->describe();
    ledger.reset();
    ledger = open_or_fail(open);
    CHECK(ledger->describe() == describe);
    CHECK(ledger->partition_count() == kPartitions);
    for (size_t i = 0; i < all.size(); ++i) {
      CHECK(ledger->partition_for(all[i].tenant) == all_pos[i].partition);
    }
    Result<std::vector<int64_t>> ends_after = ledger->end_offsets();
    REQUIRE(ends_after.ok());
    CHECK(*ends_after == *ends_before);
    ReadAll read = read_from(*ledger, {});
    REQUIRE(read.events.size() == all.size());
    std::vector<Position> more = append_ok(*ledger, {maker.next(a)});
    CHECK(more[0].offset >= (*ends_before)[more[0].partition]);
    CHECK(read_from(*ledger, {}).events.size() == all.size() + 1);
  }

  SUBCASE("health is available and describe names the backend") {
    CHECK(ledger->health().available);
    CHECK_FALSE(ledger->describe().empty());
  }
}

}  // namespace

TEST_CASE("ledger contract [embedded]") { run_ledger_contract(embedded_factory()); }

TEST_CASE("ledger contract [kafka]") {
  require_kafka();
  run_ledger_contract(kafka_factory());
}

TEST_CASE("kafka ledger: open against a dead broker fails within the timeout") {
  KafkaLedgerOptions o;
  o.brokers = "127.0.0.1:1";  // nothing listens on port 1
  o.topic = "agritrace.test.dead";
  o.transactional_id = "agritrace-test-dead";
  o.timeout_ms = 1500;
  const int64_t t0 = mono_ms();
  Result<std::unique_ptr<Ledger>> r = open_kafka_ledger(o);
  const auto ms =
      mono_ms() - t0;
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kUnavailable);
  CHECK_MESSAGE(r.error().message.find("127.0.0.1:1") != std::string::npos, r.error().message);
  CHECK(ms < o.timeout_ms + 1500);
}

TEST_CASE("ledger contract [kafka]: a second writer with the same id fences the first") {
  require_kafka();
  const KafkaLedgerOptions o = kafka_options(testing::unique_suffix());
  Result<std::unique_ptr<Ledger>> first = open_kafka_ledger(o);
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  EventMaker maker;
  const std::vector<Envelope> kept = {maker.next(kTenants[0])};
  append_ok(**first, kept);

  Result<std::unique_ptr<Ledger>> second = open_kafka_ledger(o);
  REQUIRE_MESSAGE(second.ok(), second.status().to_string());
  std::vector<Position> positions;
  Status fenced = (*first)->append({maker.next(kTenants[0])}, &positions);
  CHECK_FALSE(fenced.ok());
  CHECK(positions.empty());
  Status again = (*first)->append({maker.next(kTenants[1])}, &positions);
  CHECK_FALSE(again.ok());
  CHECK_FALSE((*first)->health().available);

  Envelope from_second = maker.next(kTenants[2]);
  append_ok(**second, {from_second});
  ReadAll read = read_from(**second, {});
  CHECK(read.reached_end);
  REQUIRE(read.events.size() == 2);  // nothing from the fenced writer's failed appends
  std::set<std::string> ids;
  for (const StoredEvent& e : read.events) ids.insert(e.envelope.id);
  CHECK(ids == std::set<std::string>{kept[0].id, from_second.id});
}

// librdkafka holds at most queue.buffering.max.messages (100 000) undelivered messages; an append
// pauses the ledger's poller thread (the commit's flush serves its own delivery reports), so a
// batch larger than the queue must drain the queue itself instead of waiting for that thread.
TEST_CASE("ledger contract [kafka]: one append larger than the producer's queue completes (R-8)") {
  require_kafka();
  auto ledger = open_or_fail(kafka_factory());
  EventMaker maker;
  constexpr size_t kEvents = 100'500;
  std::vector<Envelope> events;
  events.reserve(kEvents);
  for (size_t i = 0; i < kEvents; ++i) events.push_back(maker.next(kTenants[i % 4]));
  std::vector<Position> positions;
  const Status appended = ledger->append(events, &positions);
  REQUIRE_MESSAGE(appended.ok(), appended.to_string());
  REQUIRE(positions.size() == kEvents);
  std::set<std::pair<int32_t, int64_t>> distinct;
  for (const Position& p : positions) distinct.emplace(p.partition, p.offset);
  CHECK(distinct.size() == kEvents);
}

TEST_CASE("ledger contract [kafka]: without a transactional id the ledger is read-only") {
  require_kafka();
  KafkaLedgerOptions o = kafka_options(testing::unique_suffix());
  Result<std::unique_ptr<Ledger>> writer = open_kafka_ledger(o);
  REQUIRE_MESSAGE(writer.ok(), writer.status().to_string());
  EventMaker maker;
  append_ok(**writer, {maker.next(kTenants[0]), maker.next(kTenants[1])});

  o.transactional_id.clear();
  Result<std::unique_ptr<Ledger>> reader = open_kafka_ledger(o);
  REQUIRE_MESSAGE(reader.ok(), reader.status().to_string());
  CHECK_FALSE((*reader)->append({maker.next(kTenants[0])}, nullptr).ok());
  CHECK(read_from(**reader, {}).events.size() == 2);

  o.partitions = kPartitions + 1;  // an existing topic with another count is refused
  Result<std::unique_ptr<Ledger>> mismatch = open_kafka_ledger(o);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().message.find("partitions") != std::string::npos);
}

}  // namespace agritrace::events
