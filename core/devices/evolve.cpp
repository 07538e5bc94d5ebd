// The fold of lines, devices and print jobs (core/devices/rules.h). A job's state is the pure
// print-job fold (core/devices/print_job.h) of its ledger events.
#include "core/base/overloaded.h"
#include "core/base/rule_errors.h"
#include "core/devices/rules.h"

namespace agritrace::core {

std::vector<devices::PrintJobEvent> to_job_events(const Event& event) {
  std::vector<devices::PrintJobEvent> out;
  std::visit(Overloaded{
                 [&](const PrintJobQueued& e) { out.push_back(devices::PrintJobQueued{e.job_id, e.line_id, e.codes}); },
                 [&](const PrintJobCodesSent& e) { out.push_back(devices::CodesSent{e.job_id, e.codes}); },
                 [&](const PrintJobCodesPrinted& e) {
                   for (const std::string& code : e.codes) out.push_back(devices::CodePrinted{e.job_id, code});
                 },
                 [&](const PrintJobCodesVoided& e) {
                   out.push_back(devices::CodesVoided{e.job_id, e.codes, e.reason});
                 },
                 [&](const PrintJobPaused& e) { out.push_back(devices::JobPaused{e.job_id, e.reason}); },
                 [&](const PrintJobResumed& e) { out.push_back(devices::JobResumed{e.job_id}); },
                 [&](const PrintJobFailed& e) { out.push_back(devices::JobFailed{e.job_id, e.reason}); },
                 [&](const PrintJobCancelled& e) { out.push_back(devices::JobCancelled{e.job_id, e.reason}); },
                 [&](const PrintJobDone& e) { out.push_back(devices::JobDone{e.job_id}); },
                 [&](const auto&) {},
             },
             event);
  return out;
}

void evolve(TenantState& s, const LineRegistered& e) {
  observe_id(s.devices.last_line, e.line_id, "ln-");
  s.devices.lines[e.line_id] = LineState{e.name, ""};
}

void evolve(TenantState& s, const DeviceRegistered& e) {
  observe_id(s.devices.last_device, e.device_id, "dev-");
  s.devices.devices[e.device_id] = DeviceState{e.line_id, e.name, e.protocol, e.host, e.port, e.max_in_flight};
  s.devices.lines[e.line_id].device_id = e.device_id;
}

namespace {

// Applies a job's ledger event to its folded state and keeps the per-code indexes.
template <typename E>
void evolve_job(TenantState& s, const E& e) {
  auto it = s.devices.jobs.find(e.job_id);
  if (it == s.devices.jobs.end()) return;
  devices::PrintJobState& job = it->second.job;
  for (const devices::PrintJobEvent& je : to_job_events(Event{e})) devices::evolve(job, je);
  if constexpr (std::is_same_v<E, PrintJobCodesPrinted>) {
    for (const std::string& code : e.codes) s.devices.printed.set(code, e.job_id);
  }
  if (job.closed()) {
    for (const std::string& code : job.codes) {
      if (auto open = s.devices.open_job.find(code); open && *open == e.job_id)
        s.devices.open_job.erase(code);
    }
  }
}

}  // namespace

void evolve(TenantState& s, const PrintJobQueued& e) {
  observe_id(s.devices.last_job, e.job_id, "pj-");
  PrintJobRecord& rec = s.devices.jobs[e.job_id];
  rec.device_id = e.device_id;
  rec.run_id = e.run_id;
  devices::evolve(rec.job, devices::PrintJobQueued{e.job_id, e.line_id, e.codes});
  for (const std::string& code : e.codes) s.devices.open_job.set(code, e.job_id);
}
void evolve(TenantState& s, const PrintJobCodesSent& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobCodesPrinted& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobCodesVoided& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobPaused& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobResumed& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobFailed& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobCancelled& e) { evolve_job(s, e); }
void evolve(TenantState& s, const PrintJobDone& e) { evolve_job(s, e); }

}  // namespace agritrace::core
