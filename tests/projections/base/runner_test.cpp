// The projection runner against a ledger that injects faults (tests/support/fault_ledger.h) over
// a real LocalLedger and real RocksDB views: views and positions are committed together, a failing
// projection or reader stops it with a health detail without advancing positions, a reader gap is
// reported (never skipped), and a catch_up after the fault reaches the digest of a clean run.
#include <doctest/doctest.h>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/domain/command.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "projections/base/runner.h"
#include "projections/base/view_store.h"
#include "projections/production/projection.h"
#include "tests/support/fault_ledger.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kFarm = "91350100M000100Y43";
constexpr const char* kShop = "92441322MA51AB2C36";

// A projection that writes nothing and fails its `fail_at`-th event (counting from 1) while armed.
class TripProjection final : public projections::Projection {
 public:
  explicit TripProjection(std::shared_ptr<std::atomic<int>> fail_at) : fail_at_(std::move(fail_at)) {}
  std::string_view name() const override { return "trip"; }
  Status apply(const events::StoredEvent&, const core::Event&, projections::ViewBatch&) override {
    ++seen_;
    if (*fail_at_ > 0 && seen_ == *fail_at_) {
      return make_error(ErrorCode::kInternal, "trip", "tripped on purpose");
    }
    return Status::Ok();
  }

 private:
  std::shared_ptr<std::atomic<int>> fail_at_;
  int seen_ = 0;
};

int64_t total(const std::vector<int64_t>& offsets) {
  return std::accumulate(offsets.begin(), offsets.end(), int64_t{0});
}

// A ledger of two enterprises' real events (the farm's first, so that its partition starts with
// a run of the farm's own events), and the digest of views built from it without faults.
struct Rig : FaultLedgerRig {
  std::string clean_digest;
  std::vector<int64_t> ends;

  Rig() : FaultLedgerRig(11) {
    {
      events::CommandWriterOptions wo;
      wo.env = &env;
      auto w = events::start_command_writer(*local, wo);
      REQUIRE(w.ok());
      auto run = [&](const std::string& tenant, core::Command c) {
        std::promise<bool> done;
        events::CommandSubmission s;
        s.command_name = "test";
        s.tenant = tenant;
        s.actor = "key-" + tenant;
        s.command = std::move(c);
        s.done = [&done](Result<events::CommandOutcome> r) { done.set_value(r.ok()); };
        (*w)->submit(std::move(s));
        REQUIRE(done.get_future().get());
      };
      for (const char* t : {kFarm, kShop}) {
        run(t, core::RegisterEnterprise{t, std::string("企业 ") + t, "广东省", std::string("key-") + t,
                                        std::string(64, 'a')});
        for (const char* lot : {"L1", "L2", "L3", "L4"}) {
          run(t, core::CreateBatch{"菜心", lot, core::Quantity{5000, core::Unit::kGram},
                                   *core::parse_date("2026-11-20", "t"), std::nullopt, "", {}});
        }
      }
      (*w)->stop();
    }
    auto e = local->end_offsets();
    REQUIRE(e.ok());
    ends = *e;
    REQUIRE(total(ends) >= 10);
    auto views = open_views("clean");
    projections::ProjectionRunner runner(*local, *views, projections::make_all_projections(), &env);
    REQUIRE(runner.catch_up().ok());
    CHECK(views->positions() == ends);
    clean_digest = views->digest();
  }

  std::unique_ptr<projections::ViewStore> open_views(const std::string& name) {
    auto v = projections::ViewStore::open(dir.path() + "/views-" + name);
    REQUIRE(v.ok());
    return std::move(v).value();
  }
};

std::vector<std::unique_ptr<projections::Projection>> with_trip(std::shared_ptr<std::atomic<int>> at) {
  std::vector<std::unique_ptr<projections::Projection>> out;
  out.push_back(std::make_unique<TripProjection>(std::move(at)));  // first: the event is not applied
  for (auto& p : projections::make_all_projections()) out.push_back(std::move(p));
  return out;
}

TEST_CASE("projection runner: a failing projection stops it with a health detail, positions stay, catch_up resumes to the clean digest") {
  Rig rig;
  rig.ledger->cap_poll(3);
  auto views = rig.open_views("trip");
  auto fail_at = std::make_shared<std::atomic<int>>(5);  // in the second poll of three events
  projections::ProjectionRunner runner(*rig.ledger, *views, with_trip(fail_at), &rig.env);
  runner.set_catch_up_commit_keys(1);  // a commit per poll, as the background follower does
  Status failed = runner.catch_up();
  REQUIRE_FALSE(failed.ok());
  const projections::RunnerStatus st = runner.status();
  CHECK_FALSE(st.healthy);
  CHECK(st.detail.find("projection trip failed at") != std::string::npos);
  CHECK(st.detail.find("tripped on purpose") != std::string::npos);
  // Views and positions were committed together, batch by batch: the first poll only.
  CHECK(total(views->positions()) == 3);
  CHECK(total(st.next_offsets) == 3);
  *fail_at = 0;
  REQUIRE(runner.catch_up().ok());
  CHECK(views->positions() == rig.ends);
  CHECK(views->digest() == rig.clean_digest);
}

TEST_CASE("projection runner: a failing reader stops it without advancing positions, a restart resumes to the clean digest") {
  Rig rig;
  rig.ledger->cap_poll(3);
  rig.ledger->fail_poll(make_error(ErrorCode::kUnavailable, "broker_down", "all brokers down"), 2);
  auto views = rig.open_views("reader");
  {
    projections::ProjectionRunner runner(*rig.ledger, *views, projections::make_all_projections(), &rig.env);
    runner.set_catch_up_commit_keys(1);  // a commit per poll, as the background follower does
    Status failed = runner.catch_up();
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().reason == "broker_down");
    CHECK_FALSE(runner.status().healthy);
    CHECK(runner.status().detail == "all brokers down");
    CHECK(total(views->positions()) == 6);
  }
  // A new runner on the same views (a restart) continues from the committed positions: had views
  // and positions not been committed together, events would be lost or counted twice.
  projections::ProjectionRunner again(*rig.ledger, *views, projections::make_all_projections(), &rig.env);
  REQUIRE(again.catch_up().ok());
  CHECK(views->positions() == rig.ends);
  CHECK(views->digest() == rig.clean_digest);
}

TEST_CASE("projection runner: a reader gap is reported as ledger_gap, nothing is skipped, catch_up resumes to the clean digest") {
  Rig rig;
  const int32_t p = rig.local->partition_for(kFarm);
  auto views = rig.open_views("gap");
  projections::ProjectionRunner runner(*rig.ledger, *views, projections::make_all_projections(), &rig.env);
  SUBCASE("an event lost in the middle of a tenant's history") {
    rig.ledger->drop_on_next_poll(p, 1, 1);  // the farm's second event
  }
  SUBCASE("a tenant's first events lost at the start of the ledger") {
    rig.ledger->drop_on_next_poll(p, 0, 2);
  }
  Status failed = runner.catch_up();
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().reason == "ledger_gap");
  const projections::RunnerStatus st = runner.status();
  CHECK_FALSE(st.healthy);
  CHECK(st.detail.find("ledger gap: tenant") != std::string::npos);
  CHECK(total(views->positions()) == 0);
  REQUIRE(runner.catch_up().ok());
  CHECK(views->positions() == rig.ends);
  CHECK(views->digest() == rig.clean_digest);
}

// Issue 17: a replay commits large batches (each key once per batch, reads answered from
// the batch or the one being committed); the background follower commits every poll. Whatever the
// batch size, the views are byte-identical.
TEST_CASE("replay R-6: catch_up batches of any size and the live follower reach the same digest") {
  Rig rig;  // its clean digest: one catch_up with the default (large) batches
  rig.ledger->cap_poll(2);
  for (size_t keys : {size_t{1}, size_t{7}, size_t{100}}) {
    CAPTURE(keys);
    auto views = rig.open_views("keys-" + std::to_string(keys));
    projections::ProjectionRunner runner(*rig.ledger, *views, projections::make_all_projections(), &rig.env);
    runner.set_catch_up_commit_keys(keys);
    REQUIRE(runner.catch_up().ok());
    CHECK(views->positions() == rig.ends);
    CHECK(views->digest() == rig.clean_digest);
  }
  auto views = rig.open_views("follower");
  {
    projections::ProjectionRunner runner(*rig.ledger, *views, projections::make_all_projections(), &rig.env);
    runner.start();
    for (size_t p = 0; p < rig.ends.size(); ++p) {
      if (rig.ends[p] == 0) continue;
      std::promise<bool> reached;
      runner.wait_for(events::Position{static_cast<int32_t>(p), rig.ends[p] - 1}, 30'000,
                      [&reached](bool ok) { reached.set_value(ok); });
      REQUIRE(reached.get_future().get());
    }
    runner.stop();
  }
  CHECK(views->positions() == rig.ends);
  CHECK(views->digest() == rig.clean_digest);
}

// Read-your-writes (`?after=`, the receive routes' lot ids) waits on the runner. A waiter must be
// answered when the commit that holds its position lands, not when the follower next comes round:
// on a quiet ledger that was after a whole poll timeout (50 ms per command answered). Here the
// follower's idle poll never ends (held by the fault ledger), so only the commit can answer.
TEST_CASE("projection runner R-6: a waiter is answered when its position is committed, while the follower waits on a quiet ledger") {
  Rig rig;
  rig.ledger->hold_idle_polls();
  auto views = rig.open_views("prompt");
  projections::ProjectionRunner runner(*rig.ledger, *views, projections::make_all_projections(), &rig.env);
  std::vector<std::future<bool>> answered;
  for (size_t p = 0; p < rig.ends.size(); ++p) {
    if (rig.ends[p] == 0) continue;
    auto reached = std::make_shared<std::promise<bool>>();
    answered.push_back(reached->get_future());
    runner.wait_for(events::Position{static_cast<int32_t>(p), rig.ends[p] - 1}, 600'000,
                    [reached](bool ok) { reached->set_value(ok); });
  }
  REQUIRE(!answered.empty());
  runner.start();
  rig.ledger->wait_until_idle_polls_blocked(1);  // everything polled; the follower now waits
  for (auto& a : answered) {
    // A deadline, not a measure: the commit answers in milliseconds; without it, never.
    REQUIRE(a.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
    CHECK(a.get());
  }
  CHECK(views->positions() == rig.ends);
  rig.ledger->release_idle_polls();
  runner.stop();
  CHECK(views->digest() == rig.clean_digest);
}

// A replay loads new views with bulk options (no compaction, larger memtables) and no WAL. A
// crash mid-replay keeps what RocksDB had flushed: views and positions of the same batches (they
// share each WriteBatch), with the serving options on the next open; a catch_up from there
// reaches the clean digest.
TEST_CASE("replay R-6: a crash mid-replay leaves consistent views that resume to the clean digest") {
  Rig rig;
  rig.ledger->cap_poll(2);
  const std::string path = rig.dir.path() + "/views-crash";
  const std::string image = rig.dir.path() + "/views-crash-image";
  int64_t flushed = 0;
  {
    auto views = projections::ViewStore::open(path);
    REQUIRE(views.ok());
    REQUIRE((*views)->begin_bulk_load().ok());
    projections::ProjectionRunner runner(*rig.ledger, **views, projections::make_all_projections(), &rig.env);
    runner.set_catch_up_commit_keys(1);
    int steps = 0;
    REQUIRE(runner.catch_up([&](uint64_t, const std::vector<int64_t>&) {
      ++steps;
      (*views)->wait_idle();
      if (steps == 2) {  // what RocksDB has flushed so far (a memtable filled up)
        REQUIRE((*views)->db()->Flush(rocksdb::FlushOptions()).ok());
        flushed = total((*views)->positions());
      }
      if (steps == 3) {  // the crash: the disk as it is now, the newer batch only in the memtable
        std::filesystem::copy(path, image, std::filesystem::copy_options::recursive);
      }
    }).ok());
    REQUIRE(steps >= 3);
  }
  auto crashed = projections::ViewStore::open(image);
  REQUIRE(crashed.ok());
  CHECK(total((*crashed)->positions()) == flushed);
  CHECK(flushed > 0);
  CHECK(flushed < total(rig.ends));
  CHECK_FALSE((*crashed)->db()->GetOptions().disable_auto_compactions);
  projections::ProjectionRunner again(*rig.ledger, **crashed, projections::make_all_projections(), &rig.env);
  REQUIRE(again.catch_up().ok());
  CHECK((*crashed)->positions() == rig.ends);
  CHECK((*crashed)->digest() == rig.clean_digest);
}

}  // namespace
}  // namespace agritrace::testing
