// Views as of an instant (replay/as_of.h) and the ledger scans of replay/investigate.h on a real
// embedded ledger written by the single writer on a ControlledEnv whose clock is stepped between
// commands, so every command has its own recorded instant: the cut keeps exactly the events
// recorded by then, and the views built as of it are byte-identical to the views of a ledger
// that only ever held those events.
#include <doctest/doctest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/domain/command.h"
#include "events/env/controlled_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "replay/as_of.h"
#include "replay/investigate.h"
#include "replay/replay.h"
#include "tests/support/fault_ledger.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kFarm = "91350100M000100Y43";
constexpr const char* kShop = "92441322MA51AB2C36";
constexpr int64_t kStepMs = 60'000;  // one minute between commands

// A fresh embedded ledger (tests/support/fault_ledger.h, no fault injected), written by the single
// writer on a clock that stands still until advanced.
struct SteppedLedger : FaultLedgerRig {
  std::unique_ptr<events::CommandWriter> writer;
  int64_t start_ms;

  explicit SteppedLedger(int64_t start = test_now_ms()) : FaultLedgerRig(7), start_ms(start) {
    env.set_now_ms(start_ms);
    events::CommandWriterOptions wo;
    wo.env = &env;
    auto w = events::start_command_writer(*ledger, wo);
    REQUIRE(w.ok());
    writer = std::move(w).value();
  }
  ~SteppedLedger() { writer->stop(); }

  // Runs the command at the clock's current instant, then moves the clock one step on.
  void run(const std::string& tenant, core::Command c) {
    std::promise<Result<events::CommandOutcome>> done;
    events::CommandSubmission s;
    s.command_name = "test";
    s.tenant = tenant;
    s.actor = "key-" + tenant;
    s.command = std::move(c);
    s.done = [&done](Result<events::CommandOutcome> r) { done.set_value(std::move(r)); };
    writer->submit(std::move(s));
    auto r = done.get_future().get();
    REQUIRE(r.ok());
    env.advance_ms(kStepMs);
  }
};

core::Command register_cmd(const std::string& uscc) {
  return core::RegisterEnterprise{uscc, "企业 " + uscc, "广东省", "key-" + uscc, std::string(64, 'a')};
}
core::Command batch_cmd(const std::string& lot) {
  return core::CreateBatch{"菜心", lot, core::Quantity{5000, core::Unit::kGram}, test_date(), std::nullopt, "", {}};
}

// The story: farm registered (t0), farm batch b-1 (t0+1), shop registered (t0+2), farm b-2 (t0+3).
// `commands` of them are run.
void tell(SteppedLedger& s, int commands) {
  if (commands > 0) s.run(kFarm, register_cmd(kFarm));
  if (commands > 1) s.run(kFarm, batch_cmd("L-1"));
  if (commands > 2) s.run(kShop, register_cmd(kShop));
  if (commands > 3) s.run(kFarm, batch_cmd("L-2"));
}

TEST_CASE("replay as of an instant: exactly the events recorded by then, views identical to that ledger's") {
  SteppedLedger full;
  tell(full, 4);
  const int64_t t0 = full.start_ms;
  auto start = replay::ledger_start_ms(*full.ledger);
  REQUIRE(start.ok());
  CHECK(*start == t0);

  // Between the second and the third command: the farm and its first batch only.
  const int64_t t = t0 + kStepMs + kStepMs / 2;
  TempDir out;
  auto asof = replay::build_views_as_of(full.env, *full.ledger, out.path(), t);
  REQUIRE(asof.ok());
  CHECK(asof->events == 2);

  SteppedLedger prefix(t0);  // the same story, stopped after two commands (same seed, same clock)
  tell(prefix, 2);
  TempDir views;
  auto rebuilt = replay::rebuild_views(prefix.env, *prefix.ledger, views.path() + "/views");
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->events == 2);
  CHECK(asof->digest == rebuilt->digest);

  // As of now: everything, as a full replay.
  TempDir all_out, all_views;
  auto now = replay::build_views_as_of(full.env, *full.ledger, all_out.path(), full.env.now_ms());
  auto whole = replay::rebuild_views(full.env, *full.ledger, all_views.path() + "/views");
  REQUIRE(now.ok());
  REQUIRE(whole.ok());
  CHECK(now->events == 4);
  CHECK(now->digest == whole->digest);
  CHECK(now->digest != asof->digest);

  // The folder remembers its instant.
  auto folder = replay::open_as_of_folder(full.env, out.path());
  REQUIRE(folder.ok());
  CHECK(folder->as_of_ms == t);
  CHECK(folder->ledger == full.ledger->describe());
}

TEST_CASE("replay as of an instant: before the ledger's start, in the future, an empty ledger") {
  SteppedLedger s;
  TempDir out;
  auto empty = replay::build_views_as_of(s.env, *s.ledger, out.path(), s.env.now_ms());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().reason == replay::kLedgerEmpty);
  tell(s, 2);
  Status before = replay::check_instant(s.env, *s.ledger, s.start_ms - 1, "as-of");
  REQUIRE_FALSE(before.ok());
  CHECK(before.error().reason == replay::kAsOfBeforeStart);
  Status future = replay::check_instant(s.env, *s.ledger, s.env.now_ms() + 1, "as-of");
  REQUIRE_FALSE(future.ok());
  CHECK(future.error().reason == replay::kAsOfInFuture);
  CHECK(replay::check_instant(s.env, *s.ledger, s.start_ms, "as-of").ok());
  CHECK(replay::check_instant(s.env, *s.ledger, s.env.now_ms(), "as-of").ok());
  // The cut ledger refuses appends.
  auto cut = replay::ledger_as_of(*s.ledger, s.start_ms);
  Status appended = cut->append({}, nullptr);
  REQUIRE_FALSE(appended.ok());
  CHECK(appended.error().reason == "read_only");
}

TEST_CASE("ledger scans: a lot's timeline in recorded order, what was recorded between two instants, audit") {
  SteppedLedger s;
  tell(s, 4);
  const int64_t t0 = s.start_ms;
  auto b1 = replay::timeline(s.env, *s.ledger, replay::TimelineQuery{"", "b-1", kFarm});
  REQUIRE(b1.ok());
  REQUIRE(b1->size() == 1);
  CHECK(b1->front().envelope.type == "batch.created");
  CHECK(b1->front().envelope.recorded_at_ms == t0 + kStepMs);
  CHECK(b1->front().enterprise == std::string("企业 ") + kFarm);
  CHECK(b1->front().verified);
  auto missing = replay::timeline(s.env, *s.ledger, replay::TimelineQuery{"", "b-9", kFarm});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().reason == replay::kUnknownLot);

  // (t0+1, t0+3]: the shop's registration and the farm's second batch, in that order.
  auto between = replay::recorded_between(s.env, *s.ledger, t0 + kStepMs, t0 + 3 * kStepMs, {});
  REQUIRE(between.ok());
  REQUIRE(between->size() == 2);
  CHECK((*between)[0].envelope.tenant == kShop);
  CHECK((*between)[1].envelope.subject == "b-2");

  // The farm's audit: its three events, chained from genesis; the window keeps the later two.
  auto audit = replay::audit_events(s.env, *s.ledger, kFarm, t0 + 1, s.env.now_ms());
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 2);
  CHECK((*audit)[0].envelope.tenant_seq == 2);
  CHECK((*audit)[0].verified);
  CHECK((*audit)[1].envelope.prev_hash == (*audit)[0].envelope.hash);
  CHECK(replay::audit_line((*audit)[0]).find(R"("verified":true)") != std::string::npos);
  auto nobody = replay::audit_events(s.env, *s.ledger, "91110000000000000X", t0, s.env.now_ms());
  REQUIRE_FALSE(nobody.ok());
  CHECK(nobody.error().reason == replay::kUnknownTenant);
}

}  // namespace
}  // namespace agritrace::testing
