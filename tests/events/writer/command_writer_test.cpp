// The single writer against a ledger that injects faults (tests/support/fault_ledger.h) over a
// real LocalLedger: a command is acknowledged only once all its events are durable, a refused
// command appends nothing, a failed group append fails every command of the group and leaves no
// trace in the write model, and an Idempotency-Key retry after a lost append answer does not
// double the command.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "core/base/civil_time.h"
#include "core/domain/command.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "tests/support/fault_ledger.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kFarm = "91350100M000100Y43";
constexpr const char* kShop = "92441322MA51AB2C36";

core::Command register_cmd(const std::string& uscc) {
  return core::RegisterEnterprise{uscc, "企业 " + uscc, "广东省", "key-" + uscc, std::string(64, 'a')};
}

core::Command batch_cmd(const std::string& lot, int64_t grams = 5000) {
  return core::CreateBatch{"菜心", lot, core::Quantity{grams, core::Unit::kGram},
                           *core::parse_date("2026-11-20", "t"), std::nullopt, "", {}};
}

struct Rig : FaultLedgerRig {
  std::unique_ptr<events::CommandWriter> writer;

  explicit Rig(size_t max_queued = events::kDefaultMaxQueuedCommands)
      : FaultLedgerRig(10), writer(start_writer(max_queued)) {}
  ~Rig() {
    ledger->release_appends();
    writer->stop();
  }

  std::future<Result<events::CommandOutcome>> submit(const std::string& tenant, core::Command c,
                                                     const std::string& key = {},
                                                     const std::string& hash = {}) {
    auto promise = std::make_shared<std::promise<Result<events::CommandOutcome>>>();
    auto future = promise->get_future();
    events::CommandSubmission s;
    s.command_name = "test";
    s.tenant = tenant;
    s.actor = "key-" + tenant;
    s.idempotency_key = key;
    s.request_hash = hash;
    s.command = std::move(c);
    s.done = [promise](Result<events::CommandOutcome> r) { promise->set_value(std::move(r)); };
    writer->submit(std::move(s));
    return future;
  }
  Result<events::CommandOutcome> run(const std::string& tenant, core::Command c,
                                     const std::string& key = {}, const std::string& hash = {}) {
    return submit(tenant, std::move(c), key, hash).get();
  }
  // The subject of the command's first event, or the refusal's reason.
  std::string must(const std::string& tenant, core::Command c) {
    auto r = run(tenant, std::move(c));
    if (!r.ok()) return "ERROR " + r.error().reason;
    return r->events.front().subject;
  }
  // Events durable in the real ledger, all partitions.
  int64_t durable() {
    auto ends = local->end_offsets();
    REQUIRE(ends.ok());
    int64_t n = 0;
    for (int64_t e : *ends) n += e;
    return n;
  }
};

Error io_error() { return make_error(ErrorCode::kIoError, "io_error", "the disk went away"); }

TEST_CASE("command writer: a command is acknowledged only once its events are durable (slow append)") {
  Rig rig;
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  const int64_t before = rig.durable();
  rig.ledger->hold_appends();
  auto pending = rig.submit(kFarm, batch_cmd("L1"));
  rig.ledger->wait_until_appends_blocked(1);
  // The append is in progress and not durable: no answer yet.
  CHECK(pending.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  CHECK(rig.durable() == before);
  rig.ledger->release_appends();
  auto answer = pending.get();
  REQUIRE(answer.ok());
  CHECK(answer->events.front().subject == "b-1");
  CHECK(rig.durable() == before + static_cast<int64_t>(answer->events.size()));
  auto ends = rig.local->end_offsets();
  REQUIRE(ends.ok());
  for (const events::EventRef& ref : answer->events) {
    CHECK(ref.position.offset < (*ends)[static_cast<size_t>(ref.position.partition)]);
  }
}

TEST_CASE(
    "command writer R-6: a full queue answers writer_queue_full at once, queued commands still "
    "land") {
  Rig rig(2);
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  rig.ledger->hold_appends();
  // The writer thread takes the first command and waits in its append: the queue is empty again.
  auto first = rig.submit(kFarm, batch_cmd("L1"), "k-1", "h-1");
  rig.ledger->wait_until_appends_blocked(1);
  CHECK(rig.writer->stats().queued == 0);
  auto second = rig.submit(kFarm, batch_cmd("L2"), "k-2", "h-2");
  auto third = rig.submit(kFarm, batch_cmd("L3"), "k-3", "h-3");
  CHECK(rig.writer->stats().queued == 2);
  // Over the bound: refused on the caller's thread, before the writer is free again.
  auto shed = rig.submit(kFarm, batch_cmd("L4"), "k-4", "h-4");
  REQUIRE(shed.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
  auto refused = shed.get();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kUnavailable);
  CHECK(refused.error().reason == "writer_queue_full");
  CHECK(rig.writer->stats().commands_shed == 1);
  CHECK(rig.writer->stats().queued == 2);
  rig.ledger->release_appends();
  CHECK(first.get().ok());
  CHECK(second.get().ok());
  CHECK(third.get().ok());
  CHECK(rig.writer->stats().queued == 0);
  // The shed command never reached the writer: its retry with the same key is a first attempt.
  auto retried = rig.run(kFarm, batch_cmd("L4"), "k-4", "h-4");
  REQUIRE(retried.ok());
  CHECK_FALSE(retried->replayed);
  CHECK(retried->events.front().subject == "b-4");
}

TEST_CASE(
    "command writer R-6: submit_all lands a bulk in one append, in order, admission is all or "
    "none") {
  Rig rig(3);
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  auto bulk = [&](std::vector<std::string> lots) {
    std::vector<std::future<Result<events::CommandOutcome>>> answers;
    std::vector<events::CommandSubmission> subs;
    for (const std::string& lot : lots) {
      auto promise = std::make_shared<std::promise<Result<events::CommandOutcome>>>();
      answers.push_back(promise->get_future());
      events::CommandSubmission s;
      s.command_name = "test";
      s.tenant = kFarm;
      s.actor = std::string("key-") + kFarm;
      s.idempotency_key = "bulk-" + lot;
      s.request_hash = "h-" + lot;
      s.command = batch_cmd(lot);
      s.done = [promise](Result<events::CommandOutcome> r) { promise->set_value(std::move(r)); };
      subs.push_back(std::move(s));
    }
    rig.writer->submit_all(std::move(subs));
    return answers;
  };
  // Held, so the three are surely queued together before the writer looks at its queue.
  rig.ledger->hold_appends();
  auto blocker = rig.submit(kFarm, batch_cmd("L0"));
  rig.ledger->wait_until_appends_blocked(1);
  const size_t calls = rig.ledger->append_calls();
  auto three = bulk({"L1", "L2", "L3"});
  // A fourth cannot join the full queue, and a bulk that does not fit is refused whole.
  auto refused = bulk({"L4"});
  REQUIRE(refused[0].wait_for(std::chrono::seconds(0)) == std::future_status::ready);
  CHECK(refused[0].get().error().reason == "writer_queue_full");
  rig.ledger->release_appends();
  REQUIRE(blocker.get().ok());
  std::vector<std::string> subjects;
  for (auto& f : three) {
    auto r = f.get();
    REQUIRE(r.ok());
    subjects.push_back(r->events.front().subject);
  }
  CHECK(subjects == std::vector<std::string>{"b-2", "b-3", "b-4"});  // decided in order
  CHECK(rig.ledger->append_calls() == calls + 1);                    // one append for the bulk
  CHECK(rig.writer->stats().commands_shed == 1);
}

TEST_CASE("command writer: a queue bound of zero is refused at start") {
  FaultLedgerRig rig(11);
  events::CommandWriterOptions wo;
  wo.env = &rig.env;
  wo.max_queued_commands = 0;
  auto w = events::start_command_writer(*rig.ledger, wo);
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().reason == "bad_writer_options");
}

TEST_CASE("command writer: a refused command appends nothing") {
  Rig rig;
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  const int64_t before = rig.durable();
  const size_t calls = rig.ledger->append_calls();
  auto refused = rig.run(kFarm, batch_cmd("L1", 0));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason == "quantity_not_positive");
  CHECK(rig.ledger->append_calls() == calls);
  CHECK(rig.durable() == before);
  CHECK(rig.must(kFarm, batch_cmd("L1")) == "b-1");  // the refusal used no id either
}

TEST_CASE("command writer: a failed append refuses with ledger_append_failed and leaves no trace") {
  Rig rig;
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  const int64_t before = rig.durable();
  rig.ledger->fail_next_append(io_error());
  auto failed = rig.run(kFarm, batch_cmd("L1"), "k-1", "h-1");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kUnavailable);
  CHECK(failed.error().reason == "ledger_append_failed");
  CHECK(rig.durable() == before);
  // The write model is what is durable: the batch id is still free, the hash chain follows the
  // ledger, and the key's retry runs the command for the first time.
  auto retry = rig.run(kFarm, batch_cmd("L1"), "k-1", "h-1");
  REQUIRE(retry.ok());
  CHECK_FALSE(retry->replayed);
  CHECK(retry->events.front().subject == "b-1");
  CHECK(rig.durable() == before + 1);
  CHECK(rig.must(kFarm, batch_cmd("L2")) == "b-2");
}

TEST_CASE("command writer: group commit with a failed append fails every command of the group, none half-applied") {
  Rig rig;
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  REQUIRE(rig.run(kShop, register_cmd(kShop)).ok());
  const int64_t before = rig.durable();
  const size_t calls = rig.ledger->append_calls();
  rig.ledger->hold_appends();
  auto first = rig.submit(kFarm, batch_cmd("L1"));
  rig.ledger->wait_until_appends_blocked(1);
  // Queued while the first group's append is in flight: they form the next group, whose append
  // fails.
  rig.ledger->fail_next_append(io_error());
  auto a = rig.submit(kFarm, batch_cmd("L2"));
  auto b = rig.submit(kShop, batch_cmd("S1"));
  auto c = rig.submit(kFarm, batch_cmd("L3"), "k-c", "h-c");
  rig.ledger->release_appends();
  auto r1 = first.get();
  REQUIRE(r1.ok());
  CHECK(r1->events.front().subject == "b-1");
  for (auto* f : {&a, &b, &c}) {
    auto r = f->get();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == "ledger_append_failed");
  }
  CHECK(rig.ledger->append_calls() == calls + 2);  // one append per group: the three were one
  CHECK(rig.durable() == before + 1);
  // Nothing of the failed group is in the write model: ids and chains continue from the ledger.
  CHECK(rig.must(kFarm, batch_cmd("L2")) == "b-2");
  CHECK(rig.must(kShop, batch_cmd("S1")) == "b-1");
  auto again = rig.run(kFarm, batch_cmd("L3"), "k-c", "h-c");
  REQUIRE(again.ok());
  CHECK_FALSE(again->replayed);
  CHECK(again->events.front().subject == "b-3");
}

TEST_CASE("command writer: a retry after an append whose answer was lost replays the durable command, no double") {
  Rig rig;
  REQUIRE(rig.run(kFarm, register_cmd(kFarm)).ok());
  const int64_t before = rig.durable();
  // The whole batch becomes durable, then the ledger reports a timeout (atomic batches: there is
  // no half-durable command, only a durable one the writer could not acknowledge).
  rig.ledger->durable_then_fail_next_append(
      make_error(ErrorCode::kTimeout, "ledger_timeout", "the commit's answer was lost"));
  auto lost = rig.run(kFarm, batch_cmd("L1"), "k-1", "h-1");
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::kTimeout);
  CHECK(rig.durable() == before + 1);
  auto retry = rig.run(kFarm, batch_cmd("L1"), "k-1", "h-1");
  REQUIRE(retry.ok());
  CHECK(retry->replayed);
  REQUIRE(retry->events.size() == 1);
  CHECK(retry->events.front().subject == "b-1");
  CHECK(rig.durable() == before + 1);  // not doubled
  // The same key for another request is still refused, and the model holds b-1.
  auto reused = rig.run(kFarm, batch_cmd("L9"), "k-1", "h-other");
  REQUIRE_FALSE(reused.ok());
  CHECK(reused.error().reason == "idempotency_key_reused");
  CHECK(rig.must(kFarm, batch_cmd("L2")) == "b-2");
}

}  // namespace
}  // namespace agritrace::testing
