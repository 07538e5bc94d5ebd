// The text-protocol coder driver against the coder simulator over loopback.
#include <doctest/doctest.h>

#include <thread>

#include "devices/job_runner.h"
#include "devices/sim/text_coder_sim.h"
#include "devices/text_coder.h"
#include "device_test_support.h"  // same folder: no include root needed

namespace cd = agritrace::core::devices;
using agritrace::devices::JobRunner;
using agritrace::devices::TextCoderDriver;
using agritrace::devices::TextCoderOptions;
using agritrace::devices::sim::TextCoderSim;
using agritrace::devices::testing::check_job;
using agritrace::devices::testing::count_of;
using agritrace::devices::testing::is_pause;
using agritrace::devices::testing::make_codes;
using agritrace::devices::testing::Recorder;

namespace {

TextCoderOptions options_for(const TextCoderSim& sim) {
  TextCoderOptions o;
  o.endpoint.port = sim.port();
  o.endpoint.io_timeout_ms = 1000;
  return o;
}

struct Run {
  agritrace::Env& env = agritrace::events::posix_env();
  TextCoderSim sim;
  Recorder rec{&sim};
  explicit Run(size_t queue = 32, int interval_ms = 0) : sim(env, queue, interval_ms) {
    REQUIRE(sim.start().ok());
  }
};

}  // namespace

TEST_CASE("coder: every code printed once, in order, each on its print-complete message") {
  Run r;
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  auto codes = make_codes("L1", 500);
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", codes}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(r.sim.printed() == codes);
  CHECK(driver.queue_capacity() == 32);
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: never more in flight than the update queue holds (QSZ)") {
  Run r(/*queue=*/8, /*interval_ms=*/1);
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 100)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().printed == 100);
  CHECK(r.sim.stats().max_queue_seen <= 8);
  CHECK(r.sim.stats().naks_sent == 0);
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: NAK queue-full is retried - any other NAK voids the code as rejected") {
  SUBCASE("QFULL") {
    Run r;
    r.sim.nak_next(3, "QFULL");
    TextCoderDriver driver(r.env, options_for(r.sim));
    JobRunner runner(r.env, driver, std::ref(r.rec));
    REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 50)}).ok());
    REQUIRE(runner.run().ok());
    CHECK(runner.state().printed == 50);
    CHECK(r.sim.stats().naks_sent == 3);
    check_job(r.rec.events(), r.sim, r.rec.voided_at());
  }
  SUBCASE("BADDATA") {
    Run r;
    r.sim.nak_next(2, "BADDATA");
    TextCoderDriver driver(r.env, options_for(r.sim));
    JobRunner runner(r.env, driver, std::ref(r.rec));
    REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 50)}).ok());
    REQUIRE(runner.run().ok());
    CHECK(runner.state().status == cd::JobStatus::kDone);
    CHECK(runner.state().printed == 48);
    CHECK(runner.state().voided == 2);
    CHECK(runner.stats().rejected == 2);
    check_job(r.rec.events(), r.sim, r.rec.voided_at());
  }
}

TEST_CASE("coder: slow acknowledgements and slow printing still print everything once") {
  Run r(32, /*interval_ms=*/1);
  r.sim.set_reply_delay_ms(20);
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 100)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().printed == 100);
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: duplicate print-complete messages are ignored") {
  Run r;
  r.sim.set_duplicate_prc(true);
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 200)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().printed == 200);
  CHECK(count_of<cd::CodePrinted>(r.rec.events()) == 200);
  CHECK(runner.stats().duplicate_acks >= 199);  // the last one may arrive after the job closed
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: a device fault pauses the job - clearing it resumes") {
  Run r(32, /*interval_ms=*/1);
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 200)}).ok());
  std::thread t([&] { CHECK(runner.run().ok()); });
  REQUIRE(r.rec.wait_printed(20));
  r.sim.set_fault("INK_EMPTY");
  REQUIRE(r.rec.wait_for(
      [](const cd::PrintJobEvent& e) { return is_pause(e, "device_fault:INK_EMPTY"); }));
  r.sim.set_fault("");
  t.join();
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(count_of<cd::JobResumed>(r.rec.events()) >= 1);
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: a disconnect mid-job: reconnect, queue cleared, in-doubt voided, none twice") {
  Run r;
  r.sim.disconnect_after_jdi(100);
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 400)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(r.sim.connections() == 2);
  CHECK(r.sim.stats().clears >= 2);
  CHECK(runner.state().printed + runner.state().voided == 400);
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: cancel clears the queue, records what printed meanwhile, voids the rest") {
  Run r(32, /*interval_ms=*/2);
  TextCoderDriver driver(r.env, options_for(r.sim));
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 300)}).ok());
  std::thread t([&] { CHECK(runner.run().ok()); });
  REQUIRE(r.rec.wait_printed(10));
  runner.request_cancel();
  t.join();
  CHECK(runner.state().status == cd::JobStatus::kCancelled);
  CHECK(runner.state().closed());
  CHECK(r.sim.stats().clears >= 2);  // on connect and on cancel
  CHECK(runner.state().printed == r.sim.printed().size());
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}

TEST_CASE("coder: a coder that stops answering is reconnected, in-doubt codes voided") {
  Run r(32, /*interval_ms=*/1);
  TextCoderOptions o = options_for(r.sim);
  o.endpoint.io_timeout_ms = 200;
  TextCoderDriver driver(r.env, o);
  JobRunner runner(r.env, driver, std::ref(r.rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 300)}).ok());
  std::thread t([&] { CHECK(runner.run().ok()); });
  REQUIRE(r.rec.wait_printed(20));
  r.sim.set_reply_delay_ms(60'000);  // silent from now on
  REQUIRE(r.rec.wait_for(
      [](const cd::PrintJobEvent& e) { return is_pause(e, "connection_lost"); }));
  r.sim.set_reply_delay_ms(0);
  t.join();
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(r.sim.connections() >= 2);
  check_job(r.rec.events(), r.sim, r.rec.voided_at());
}
