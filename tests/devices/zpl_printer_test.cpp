// The ZPL driver against the ZPL printer simulator over loopback (real sockets, real driver).
#include <doctest/doctest.h>

#include <thread>

#include "devices/job_runner.h"
#include "devices/sim/zpl_printer_sim.h"
#include "devices/zpl_printer.h"
#include "device_test_support.h"  // same folder: no include root needed

namespace cd = agritrace::core::devices;
using agritrace::devices::JobRunner;
using agritrace::devices::RunnerOptions;
using agritrace::devices::ZplOptions;
using agritrace::devices::ZplPrinterDriver;
using agritrace::devices::sim::ZplPrinterSim;
using agritrace::devices::testing::check_job;
using agritrace::devices::testing::count_of;
using agritrace::devices::testing::is_pause;
using agritrace::devices::testing::make_codes;
using agritrace::devices::testing::Recorder;

namespace {

ZplOptions options_for(const ZplPrinterSim& sim, size_t in_flight = 64) {
  ZplOptions o;
  o.endpoint.port = sim.port();
  o.endpoint.io_timeout_ms = 300;
  o.max_in_flight = in_flight;
  o.status_interval_ms = 5;
  return o;
}

}  // namespace

TEST_CASE("~HS: the three status strings parse - partial input waits, garbage is refused") {
  const std::string reply =
      "\x02" "030,1,0,1225,007,1,0,1,000,0,0,0\x03\r\n"
      "\x02" "001,0,1,1,1,2,6,0,00000003,1,000\x03\r\n"
      "\x02" "1234,0\x03\r\n";
  size_t used = 0;
  auto st = agritrace::devices::parse_host_status(reply, &used);
  REQUIRE(st.ok());
  REQUIRE(st->has_value());
  const auto& hs = **st;
  CHECK(hs.paper_out);
  CHECK_FALSE(hs.paused);
  CHECK(hs.label_length_dots == 1225);
  CHECK(hs.formats_in_buffer == 7);
  CHECK(hs.buffer_full);
  CHECK(hs.partial_format);
  CHECK(hs.head_up);
  CHECK(hs.ribbon_out);
  CHECK(hs.labels_remaining == 3);
  CHECK(used == reply.size());
  auto part = agritrace::devices::parse_host_status(reply.substr(0, 50), &used);
  REQUIRE(part.ok());
  CHECK_FALSE(part->has_value());
  CHECK(agritrace::devices::parse_host_status("garbage", &used).error().reason == "hs_malformed");
  // What the simulator sends parses back to the same values.
  auto again = agritrace::devices::parse_host_status(
      agritrace::devices::format_host_status(hs), &used);
  REQUIRE(again.ok());
  CHECK((*again)->formats_in_buffer == 7);
  CHECK((*again)->labels_remaining == 3);
}

TEST_CASE("ZPL label: the URI in a QR code and the serial in text - ^ ~ _ cannot escape a field") {
  const std::string uri = "https://id.example.cn/01/06901234567892/10/L1/21/S100";
  std::string label = agritrace::devices::zpl_label(uri);
  CHECK(label.starts_with("^XA"));
  CHECK(label.find("^BQN,2,5^FH^FDQA," + uri + "^FS") != std::string::npos);
  CHECK(label.find("^FDS100^FS") != std::string::npos);
  CHECK(label.find("^PQ1") != std::string::npos);
  CHECK(agritrace::devices::code_of_zpl_label(label) == uri);
  const std::string nasty = "x^XZ~JA_y";
  std::string escaped = agritrace::devices::zpl_label(nasty);
  CHECK(escaped.find("^XZ~JA") == std::string::npos);
  CHECK(agritrace::devices::code_of_zpl_label(escaped) == nasty);
}

TEST_CASE("ZPL: a job prints every code once, in order, and ends done") {
  agritrace::Env& env = agritrace::events::posix_env();
  ZplPrinterSim sim(env);
  REQUIRE(sim.start().ok());
  ZplPrinterDriver driver(env, options_for(sim));
  Recorder rec(&sim);
  JobRunner runner(env, driver, std::ref(rec));
  auto codes = make_codes("L1", 500);
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", codes}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(runner.state().printed == 500);
  CHECK(sim.printed() == codes);
  CHECK(count_of<cd::JobPaused>(rec.events()) == 0);  // the first connection is no loss
  check_job(rec.events(), sim, rec.voided_at());
}

TEST_CASE("ZPL: back-pressure keeps the printer's buffer from overflowing") {
  agritrace::Env& env = agritrace::events::posix_env();
  ZplPrinterSim sim(env, /*print_interval_ms=*/1, /*buffer_formats=*/8);
  REQUIRE(sim.start().ok());
  ZplPrinterDriver driver(env, options_for(sim, /*in_flight=*/8));
  Recorder rec(&sim);
  JobRunner runner(env, driver, std::ref(rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 120)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().printed == 120);
  CHECK(sim.stats().formats_overflowed == 0);
  check_job(rec.events(), sim, rec.voided_at());
}

TEST_CASE("ZPL: the buffer-full flag stops sending until it clears") {
  agritrace::Env& env = agritrace::events::posix_env();
  ZplPrinterSim sim(env, /*print_interval_ms=*/1);
  REQUIRE(sim.start().ok());
  ZplPrinterDriver driver(env, options_for(sim, 16));
  Recorder rec(&sim);
  JobRunner runner(env, driver, std::ref(rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 300)}).ok());
  std::thread t([&] { CHECK(runner.run().ok()); });
  REQUIRE(rec.wait_printed(30));
  sim.set_buffer_full(true);
  size_t asked = sim.stats().status_requests;
  // Once the driver has seen the flag (two status replies later), nothing more arrives.
  REQUIRE(sim.wait_until([&] { return sim.stats().status_requests >= asked + 2; }, 10000));
  size_t received = sim.stats().formats_received;
  REQUIRE(sim.wait_until([&] { return sim.stats().status_requests >= asked + 10; }, 10000));
  CHECK(sim.stats().formats_received == received);
  sim.set_buffer_full(false);
  t.join();
  CHECK(runner.state().status == cd::JobStatus::kDone);
  check_job(rec.events(), sim, rec.voided_at());
}

TEST_CASE("ZPL: paper out, ribbon out, head open and pause stop the job - it resumes after") {
  struct Fault {
    const char* reason;
    void (ZplPrinterSim::*set)(bool);
    bool silent;
  };
  const Fault faults[] = {{"paper_out", &ZplPrinterSim::set_paper_out, false},
                          {"ribbon_out", &ZplPrinterSim::set_ribbon_out, false},
                          {"head_open", &ZplPrinterSim::set_head_open, false},
                          {"device_paused", &ZplPrinterSim::set_paused, false},
                          // Newer firmware does not answer ~HS in these states at all.
                          {"no_status_response", &ZplPrinterSim::set_head_open, true}};
  for (const auto& f : faults) {
    CAPTURE(f.reason);
    agritrace::Env& env = agritrace::events::posix_env();
    ZplPrinterSim sim(env, /*print_interval_ms=*/1);
    sim.set_silent_on_error(f.silent);
    REQUIRE(sim.start().ok());
    ZplPrinterDriver driver(env, options_for(sim, 16));
    Recorder rec(&sim);
    JobRunner runner(env, driver, std::ref(rec));
    REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 200)}).ok());
    std::thread t([&] { CHECK(runner.run().ok()); });
    REQUIRE(rec.wait_printed(20));
    (sim.*f.set)(true);
    REQUIRE(rec.wait_for([&](const cd::PrintJobEvent& e) { return is_pause(e, f.reason); }));
    size_t printed_while_paused = sim.printed().size();
    (sim.*f.set)(false);
    t.join();
    CHECK(runner.state().status == cd::JobStatus::kDone);
    CHECK(count_of<cd::JobResumed>(rec.events()) >= 1);
    CHECK(printed_while_paused < 200);
    check_job(rec.events(), sim, rec.voided_at());
  }
}

TEST_CASE("ZPL: a disconnect mid-job: reconnect, in-doubt codes voided, none printed twice") {
  agritrace::Env& env = agritrace::events::posix_env();
  ZplPrinterSim sim(env);
  sim.disconnect_after_formats(100);
  REQUIRE(sim.start().ok());
  ZplPrinterDriver driver(env, options_for(sim));
  Recorder rec(&sim);
  JobRunner runner(env, driver, std::ref(rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 400)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(sim.connections() == 2);
  CHECK(runner.stats().reconnects == 2);
  CHECK(sim.stats().cancels >= 2);  // ~JA on every connection
  auto events = rec.events();
  CHECK(std::any_of(events.begin(), events.end(),
                    [](const auto& e) { return is_pause(e, "connection_lost"); }));
  CHECK(runner.state().printed + runner.state().voided == 400);
  CHECK(runner.state().voided == runner.stats().in_doubt_voided);
  check_job(events, sim);
}

TEST_CASE("ZPL: cancel clears the printer and voids what was not printed") {
  agritrace::Env& env = agritrace::events::posix_env();
  ZplPrinterSim sim(env, /*print_interval_ms=*/2);
  REQUIRE(sim.start().ok());
  ZplPrinterDriver driver(env, options_for(sim, 16));
  Recorder rec(&sim);
  JobRunner runner(env, driver, std::ref(rec));
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 300)}).ok());
  std::thread t([&] { CHECK(runner.run().ok()); });
  REQUIRE(rec.wait_printed(10));
  runner.request_cancel();
  t.join();
  CHECK(runner.state().status == cd::JobStatus::kCancelled);
  CHECK(runner.state().closed());
  CHECK(runner.state().voided > 0);
  size_t after_cancel = sim.printed().size();
  CHECK(after_cancel < 300);
  check_job(rec.events(), sim, rec.voided_at());
}

TEST_CASE("ZPL: an unreachable printer fails the job after the back-off, every code voided") {
  agritrace::Env& env = agritrace::events::posix_env();
  uint16_t port = 0;
  {
    ZplPrinterSim gone(env);
    REQUIRE(gone.start().ok());
    port = gone.port();
  }  // closed: connections are refused
  ZplOptions o;
  o.endpoint.port = port;
  ZplPrinterDriver driver(env, o);
  Recorder rec;
  RunnerOptions ro;
  ro.reconnect_give_up_ms = 100;
  JobRunner runner(env, driver, std::ref(rec), ro);
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 5)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kFailed);
  CHECK(runner.state().reason == "device_unreachable");
  CHECK(runner.state().voided == 5);
  CHECK(cd::check_history(rec.events(), true).ok());
}

TEST_CASE("ZPL: a repeated status reply is not taken for the next one (nothing acked early)") {
  agritrace::Env& env = agritrace::events::posix_env();
  ZplPrinterSim sim(env, /*print_interval_ms=*/1);
  sim.set_duplicate_status(true);
  REQUIRE(sim.start().ok());
  ZplPrinterDriver driver(env, options_for(sim, 16));
  Recorder rec(&sim);
  // Every acknowledgement must already be on paper when it is recorded.
  size_t early = 0;
  JobRunner runner(env, driver, [&](const cd::PrintJobEvent& e) {
    if (const auto* p = std::get_if<cd::CodePrinted>(&e)) {
      auto paper = sim.printed();
      if (std::find(paper.begin(), paper.end(), p->code) == paper.end()) ++early;
    }
    rec(e);
  });
  REQUIRE(runner.start(cd::QueueJob{"job-1", "line-1", make_codes("L1", 200)}).ok());
  REQUIRE(runner.run().ok());
  CHECK(runner.state().status == cd::JobStatus::kDone);
  CHECK(early == 0);
  check_job(rec.events(), sim, rec.voided_at());
}
