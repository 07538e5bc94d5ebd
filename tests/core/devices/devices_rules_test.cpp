// Pure rule tests of lines, devices and print jobs in the ledger (R-4.2.6, core/devices/rules.h):
// only the enterprise's own codes, a code in at most one open job, never printed twice, and the
// job invariants (printed ∪ voided = issued, printed ∩ voided = ∅) over the ledger events.
#include <doctest/doctest.h>

#include "core/devices/rules.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core::testing {
namespace {

namespace dv = agritrace::core::devices;

struct DevicesHarness : Harness {
  std::vector<Event> log;  // every event applied, for the invariant check
  DevicesHarness() {
    register_enterprise();
    evolve(state, Event{CodeRunStarted{"run-1", "ct-1", "b-1", "06901234000016", "L1", "https://t.cn",
                                       SerialFormat::kHex, PackagingLevel::kItem, Quantity{1, Unit::kPiece}, 6}});
    evolve(state, Event{CodesGenerated{"run-1", "b-1", 1, {"A1", "A2", "A3", "A4", "A5", "A6"}}});
  }
  Result<std::vector<Event>> run(const Command& c) {
    auto r = apply(c);
    if (r.ok()) log.insert(log.end(), r->begin(), r->end());
    return r;
  }
  std::string line_with_device() {
    auto line = run(RegisterLine{"一号线"});
    REQUIRE(line.ok());
    auto dev = run(RegisterDevice{"ln-1", "Zebra", DeviceProtocol::kZpl, "127.0.0.1", 9100, 0});
    REQUIRE(dev.ok());
    return "ln-1";
  }
  Result<std::vector<Event>> progress(const std::string& job, std::vector<dv::PrintJobEvent> events) {
    return run(RecordPrintJobProgress{job, std::move(events)});
  }
  // The pure-rule history of one job, from the ledger events.
  std::vector<dv::PrintJobEvent> history(const std::string& job) {
    std::vector<dv::PrintJobEvent> out;
    for (const Event& e : log) {
      for (auto& je : to_job_events(e)) {
        if (dv::event_job_id(je) == job) out.push_back(je);
      }
    }
    return out;
  }
};

TEST_CASE("devices: lines and devices are registered with checked fields") {
  DevicesHarness h;
  CHECK(h.must(RegisterLine{"一号线"}) == "ln-1");
  CHECK(reason(h.apply(RegisterLine{"一号线"})) == "line_name_taken");
  CHECK(reason(h.apply(RegisterDevice{"ln-9", "x", DeviceProtocol::kZpl, "h", 9100, 0})) == "line_not_found");
  CHECK(reason(h.apply(RegisterDevice{"ln-1", "x", DeviceProtocol::kZpl, "h", 0, 0})) == "invalid_port");
  CHECK(reason(h.apply(RegisterDevice{"ln-1", "x", DeviceProtocol::kZpl, "h", 9100, -1})) == "invalid_max_in_flight");
  CHECK(h.must(RegisterDevice{"ln-1", "x", DeviceProtocol::kCoder, "h", 3000, 32}) == "dev-1");
  CHECK(reason(h.apply(RegisterDevice{"ln-1", "y", DeviceProtocol::kZpl, "h", 9100, 0})) == "line_has_device");
  CHECK(h.state.devices.lines.at("ln-1").device_id == "dev-1");
}

TEST_CASE("devices: a job takes the enterprise's own codes, each in at most one open job") {
  DevicesHarness h;
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "run-1", 0, std::nullopt, {}})) == "line_not_found");
  h.must(RegisterLine{"一号线"});
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "run-1", 0, std::nullopt, {}})) == "line_without_device");
  h.must(RegisterDevice{"ln-1", "Zebra", DeviceProtocol::kZpl, "127.0.0.1", 9100, 0});
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "run-9", 0, std::nullopt, {}})) == "code_run_not_found");
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "", 0, std::nullopt, {"ZZ"}})) == "code_not_found");
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "", 0, std::nullopt, {"A1", "A1"}})) == "duplicate_code");
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "", 0, std::nullopt, {}})) == "run_or_codes");
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "run-1", 9, std::nullopt, {}})) == "job_empty");
  auto job = h.apply(QueuePrintJob{"ln-1", "run-1", 1, 3, {}});
  REQUIRE(job.ok());
  const auto& q = std::get<PrintJobQueued>(job->front());
  CHECK(q.job_id == "pj-1");
  CHECK(q.device_id == "dev-1");
  CHECK(q.codes == std::vector<std::string>{"A2", "A3", "A4"});
  CHECK(reason(h.apply(QueuePrintJob{"ln-1", "", 0, std::nullopt, {"A4"}})) == "code_in_open_job");
  CHECK(h.must(QueuePrintJob{"ln-1", "", 0, std::nullopt, {"A1"}}) == "pj-2");
}

TEST_CASE("devices: printed codes are never printed again - a cancelled job voids the rest") {
  DevicesHarness h;
  const std::string line = h.line_with_device();
  REQUIRE(h.run(QueuePrintJob{line, "run-1", 0, 4, {}}).ok());  // A1..A4
  REQUIRE(h.progress("pj-1", {dv::CodesSent{"pj-1", {"A1", "A2", "A3"}}}).ok());
  // A code sent is not a code printed.
  CHECK_FALSE(h.state.devices.printed.contains("A1"));
  // Acknowledgements of one group become one codes_printed event.
  auto acked = h.progress("pj-1", {dv::CodePrinted{"pj-1", "A1"}, dv::CodePrinted{"pj-1", "A2"}});
  REQUIRE(acked.ok());
  REQUIRE(acked->size() == 1);
  CHECK(std::get<PrintJobCodesPrinted>(acked->front()).codes == std::vector<std::string>{"A1", "A2"});
  // A duplicate acknowledgement is refused by the rules.
  CHECK(reason(h.progress("pj-1", {dv::CodePrinted{"pj-1", "A1"}})) == "already_printed");
  // An acknowledgement of a code never sent is refused.
  CHECK(reason(h.progress("pj-1", {dv::CodePrinted{"pj-1", "A4"}})) == "code_not_sent");
  // Cancel: the runner clears the device, voids what is open, the job is closed.
  REQUIRE(h.progress("pj-1", {dv::JobCancelled{"pj-1", "operator"},
                              dv::CodesVoided{"pj-1", {"A3", "A4"}, "job_cancelled"}})
              .ok());
  const auto& job = h.state.devices.jobs.at("pj-1").job;
  CHECK(job.closed());
  CHECK(job.printed == 2);
  CHECK(job.voided == 2);
  CHECK(dv::check_history(h.history("pj-1"), true).ok());
  // Codes of the closed job: printed ones can never be queued again; voided ones can.
  CHECK(reason(h.apply(QueuePrintJob{line, "", 0, std::nullopt, {"A2"}})) == "code_already_printed");
  CHECK(h.must(QueuePrintJob{line, "", 0, std::nullopt, {"A3"}}) == "pj-2");
}

TEST_CASE("devices: the job state refolds from the ledger events (a restarted server resumes it)") {
  DevicesHarness h;
  const std::string line = h.line_with_device();
  REQUIRE(h.run(QueuePrintJob{line, "", 0, std::nullopt, {"A1", "A2"}}).ok());
  REQUIRE(h.progress("pj-1", {dv::CodesSent{"pj-1", {"A1", "A2"}}, dv::CodePrinted{"pj-1", "A1"}}).ok());
  TenantState refolded;
  for (const Event& e : h.log) evolve(refolded, e);
  const auto& job = refolded.devices.jobs.at("pj-1").job;
  CHECK(job.status == dv::JobStatus::kSending);
  CHECK(job.printed == 1);
  CHECK(job.sent == 1);  // A2 in doubt: the resumed runner clears the device and voids it
  CHECK(refolded.devices.printed.find("A1") == "pj-1");
  // The last acknowledgement closes the job (done); the runner's own JobDone is accepted.
  auto done = h.progress("pj-1", {dv::CodePrinted{"pj-1", "A2"}, dv::JobDone{"pj-1"}});
  REQUIRE(done.ok());
  CHECK(std::holds_alternative<PrintJobDone>(done->back()));
  CHECK(h.state.devices.jobs.at("pj-1").job.status == dv::JobStatus::kDone);
  CHECK(h.state.devices.open_job.in_memory().empty());
  CHECK(dv::check_history(h.history("pj-1"), true).ok());
}

}  // namespace
}  // namespace agritrace::core::testing
