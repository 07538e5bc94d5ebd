// The job runner across a crash: a new runner fed the events of the old one finishes the job
// without printing any code twice.
#include <doctest/doctest.h>

#include <map>
#include <memory>

#include "devices/job_runner.h"
#include "devices/sim/text_coder_sim.h"
#include "devices/sim/zpl_printer_sim.h"
#include "devices/text_coder.h"
#include "devices/zpl_printer.h"
#include "device_test_support.h"  // same folder: no include root needed

namespace cd = agritrace::core::devices;
namespace dv = agritrace::devices;
using agritrace::devices::testing::check_job;
using agritrace::devices::testing::make_codes;
using agritrace::devices::testing::Recorder;

namespace {

// `paced`: the device prints slower than the runner sends, so the crash leaves codes in doubt.
template <typename Sim, typename Driver, typename Options, typename... SimArgs>
void crash_and_resume(bool paced, SimArgs... sim_args) {
  agritrace::Env& env = agritrace::events::posix_env();
  Sim sim(env, sim_args...);
  REQUIRE(sim.start().ok());
  Options o;
  o.endpoint.port = sim.port();
  auto codes = make_codes("L1", 300);

  // The first runner "crashes" (stops without another event) after 100 acknowledgements, with
  // codes sent and not acknowledged.
  std::vector<cd::PrintJobEvent> ledger;
  std::map<std::string, size_t> voided_at;  // code -> print log size when voided
  auto append = [&](const cd::PrintJobEvent& e) {
    ledger.push_back(e);
    if (const auto* v = std::get_if<cd::CodesVoided>(&e)) {
      for (const auto& code : v->codes) voided_at[code] = sim.printed().size();
    }
  };
  {
    Driver driver(env, o);
    std::unique_ptr<dv::JobRunner> runner;
    size_t printed = 0;
    runner = std::make_unique<dv::JobRunner>(env, driver, [&](const cd::PrintJobEvent& e) {
      append(e);
      if (std::holds_alternative<cd::CodePrinted>(e) && ++printed == 100) runner->stop();
    });
    REQUIRE(runner->start(cd::QueueJob{"job-1", "line-1", codes}).ok());
    REQUIRE(runner->run().ok());
    CHECK(runner->state().status == cd::JobStatus::kSending);
    if (paced) CHECK(runner->state().sent > 0);
  }
  CHECK(cd::check_history(ledger, false).ok());
  CHECK_FALSE(cd::check_history(ledger, true).ok());

  // A new runner (new driver, new connection) resumes from the events.
  Driver driver(env, o);
  dv::JobRunner runner(env, driver, append);
  REQUIRE(runner.resume(ledger).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(runner.state().printed >= 100);
  CHECK(runner.state().printed + runner.state().voided == 300);
  if (paced) CHECK(runner.stats().in_doubt_voided > 0);
  check_job(ledger, sim, voided_at);
}

}  // namespace

TEST_CASE("runner: a job resumes from the events of a crashed runner (ZPL)") {
  crash_and_resume<dv::sim::ZplPrinterSim, dv::ZplPrinterDriver, dv::ZplOptions>(false, 0);
  crash_and_resume<dv::sim::ZplPrinterSim, dv::ZplPrinterDriver, dv::ZplOptions>(true, 1);
}

TEST_CASE("runner: a job resumes from the events of a crashed runner (coder)") {
  using Sim = dv::sim::TextCoderSim;
  crash_and_resume<Sim, dv::TextCoderDriver, dv::TextCoderOptions>(false, size_t{32}, 0);
  crash_and_resume<Sim, dv::TextCoderDriver, dv::TextCoderOptions>(true, size_t{32}, 1);
}

TEST_CASE("runner: operator pause holds sending - resume finishes the job") {
  agritrace::Env& env = agritrace::events::posix_env();
  dv::sim::TextCoderSim sim(env, 32, 1);
  REQUIRE(sim.start().ok());
  dv::TextCoderOptions o;
  o.endpoint.port = sim.port();
  dv::TextCoderDriver driver(env, o);
  Recorder rec(&sim);
  dv::JobRunner runner(env, driver, std::ref(rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 200)}).ok());
  std::thread t([&] { CHECK(runner.run().ok()); });
  REQUIRE(rec.wait_printed(10));
  runner.request_pause();
  REQUIRE(rec.wait_for([](const cd::PrintJobEvent& e) {
    return agritrace::devices::testing::is_pause(e, "operator");
  }));
  // What was already in the coder's queue still prints; nothing new is sent.
  size_t received = sim.stats().jdi_received;
  REQUIRE(sim.wait_until([&] { return sim.printed().size() == received; }, 10000));
  CHECK(sim.stats().jdi_received == received);
  runner.request_resume();
  t.join();
  CHECK(runner.state().status == cd::JobStatus::kDone);
  check_job(rec.events(), sim, rec.voided_at());
}
