// Rules of lines, devices and print jobs (core/devices/rules.h).
#include <set>

#include "core/base/overloaded.h"
#include "core/base/rule_errors.h"
#include "core/devices/rules.h"

namespace agritrace::core {

std::string_view device_protocol_name(DeviceProtocol p) {
  return p == DeviceProtocol::kZpl ? "zpl" : "coder";
}

Result<DeviceProtocol> parse_device_protocol(std::string_view name, std::string_view field) {
  if (name == "zpl") return DeviceProtocol::kZpl;
  if (name == "coder") return DeviceProtocol::kCoder;
  return invalid("invalid_protocol", "protocol must be zpl or coder", std::string(field));
}

Result<std::vector<Event>> decide(const TenantState& s, const RegisterLine& c, const Context&) {
  AGRITRACE_RETURN_IF_ERROR(required_text(c.name, "name", 200));
  for (const auto& [id, line] : s.devices.lines) {
    if (line.name == c.name) return conflict("line_name_taken", "a line named " + c.name + " exists (" + id + ")", "name");
  }
  return std::vector<Event>{LineRegistered{next_id("ln-", s.devices.last_line), c.name}};
}

Result<std::vector<Event>> decide(const TenantState& s, const RegisterDevice& c, const Context&) {
  AGRITRACE_RETURN_IF_ERROR(required_text(c.name, "name", 200));
  AGRITRACE_RETURN_IF_ERROR(required_text(c.host, "host", 253));
  auto line = s.devices.lines.find(c.line_id);
  if (line == s.devices.lines.end()) return not_found("line_not_found", "no line " + c.line_id, "line_id");
  if (!line->second.device_id.empty()) {
    return conflict("line_has_device", "line " + c.line_id + " already has device " + line->second.device_id, "line_id");
  }
  if (c.port < 1 || c.port > 65535) return invalid("invalid_port", "port must be 1..65535", "port");
  if (c.max_in_flight < 0 || c.max_in_flight > 4096) {
    return invalid("invalid_max_in_flight", "max_in_flight must be 0..4096 (0: the driver's default)", "max_in_flight");
  }
  return std::vector<Event>{DeviceRegistered{next_id("dev-", s.devices.last_device), c.line_id, c.name,
                                             c.protocol, c.host, c.port, c.max_in_flight}};
}

Result<std::vector<Event>> decide(const TenantState& s, const QueuePrintJob& c, const Context&) {
  auto line = s.devices.lines.find(c.line_id);
  if (line == s.devices.lines.end()) return not_found("line_not_found", "no line " + c.line_id, "line_id");
  if (line->second.device_id.empty()) {
    return conflict("line_without_device", "line " + c.line_id + " has no device", "line_id");
  }
  if (c.run_id.empty() == c.codes.empty()) {
    return invalid("run_or_codes", "give either run_id (with offset and limit) or codes", "run_id");
  }
  std::vector<std::string> codes;
  std::string field = "codes";
  if (!c.run_id.empty()) {
    field = "run_id";
    auto run = s.code_runs.find(c.run_id);
    if (run == s.code_runs.end()) return not_found("code_run_not_found", "no code run " + c.run_id, "run_id");
    if (c.offset < 0) return invalid("invalid_offset", "offset must be >= 0", "offset");
    if (c.limit && *c.limit < 1) return invalid("invalid_limit", "limit must be >= 1", "limit");
    // The run's serials in serial order (deterministic), from `offset`.
    int64_t index = 0;
    for (std::string& serial : s.codes.run_serials(c.run_id)) {
      if (index++ < c.offset) continue;
      if (c.limit && static_cast<int64_t>(codes.size()) >= *c.limit) break;
      codes.push_back(std::move(serial));
    }
    if (codes.empty()) return invalid("job_empty", "the run has no codes from this offset", "offset");
  } else {
    std::set<std::string_view> seen;
    for (const std::string& code : c.codes) {
      if (!s.codes.contains(code)) {
        return not_found("code_not_found", "trace code " + code + " is not a code of this enterprise", "codes");
      }
      if (!seen.insert(code).second) return invalid("duplicate_code", "code " + code + " is listed twice", "codes");
    }
    codes = c.codes;
  }
  if (codes.size() > kMaxCodesPerPrintJob) {
    return invalid("job_too_large", "a print job holds at most 5000 codes", field == "run_id" ? "limit" : "codes");
  }
  for (const std::string& code : codes) {
    if (auto p = s.devices.printed.find(code)) {
      return conflict("code_already_printed", "trace code " + code + " was printed by " + *p,
                      field);
    }
    if (auto o = s.devices.open_job.find(code)) {
      return conflict("code_in_open_job", "trace code " + code + " is in open job " + *o, field);
    }
    if (auto known = s.codes.find(code); known && known->disabled) {
      return conflict("code_disabled", "trace code " + code + " is disabled", field);
    }
  }
  return std::vector<Event>{PrintJobQueued{next_id("pj-", s.devices.last_job), c.line_id,
                                           line->second.device_id, c.run_id, std::move(codes)}};
}

namespace {

devices::PrintJobCommand command_of(const devices::PrintJobEvent& e) {
  using namespace devices;
  return std::visit(Overloaded{
                        [](const devices::PrintJobQueued& q) -> PrintJobCommand {
                          return QueueJob{q.job_id, q.line_id, q.codes};
                        },
                        [](const CodesSent& x) -> PrintJobCommand { return SendCodes{x.codes}; },
                        [](const CodePrinted& x) -> PrintJobCommand { return AcknowledgePrinted{x.code}; },
                        [](const CodesVoided& x) -> PrintJobCommand { return VoidCodes{x.codes, x.reason}; },
                        [](const JobPaused& x) -> PrintJobCommand { return PauseJob{x.reason}; },
                        [](const JobResumed&) -> PrintJobCommand { return ResumeJob{}; },
                        [](const JobFailed& x) -> PrintJobCommand { return FailJob{x.reason}; },
                        [](const JobCancelled& x) -> PrintJobCommand { return CancelJob{x.reason}; },
                        [](const JobDone&) -> PrintJobCommand { return ResumeJob{}; },  // not used
                    },
                    e);
}

// Rule events -> ledger events; consecutive acknowledgements become one codes_printed event.
void append_ledger_events(const std::string& job_id, const std::vector<devices::PrintJobEvent>& in,
                          std::vector<Event>& out) {
  using namespace devices;
  for (const PrintJobEvent& e : in) {
    std::visit(Overloaded{
                   [&](const devices::PrintJobQueued&) {},
                   [&](const CodesSent& x) { out.push_back(PrintJobCodesSent{job_id, x.codes}); },
                   [&](const CodePrinted& x) {
                     if (!out.empty()) {
                       if (auto* last = std::get_if<PrintJobCodesPrinted>(&out.back())) {
                         last->codes.push_back(x.code);
                         return;
                       }
                     }
                     out.push_back(PrintJobCodesPrinted{job_id, {x.code}});
                   },
                   [&](const CodesVoided& x) { out.push_back(PrintJobCodesVoided{job_id, x.codes, x.reason}); },
                   [&](const JobPaused& x) { out.push_back(PrintJobPaused{job_id, x.reason}); },
                   [&](const JobResumed&) { out.push_back(PrintJobResumed{job_id, ""}); },
                   [&](const JobFailed& x) { out.push_back(PrintJobFailed{job_id, x.reason}); },
                   [&](const JobCancelled& x) { out.push_back(PrintJobCancelled{job_id, x.reason}); },
                   [&](const JobDone&) { out.push_back(PrintJobDone{job_id, ""}); },
               },
               e);
  }
}

}  // namespace

Result<std::vector<Event>> decide(const TenantState& s, const RecordPrintJobProgress& c, const Context&) {
  auto rec = s.devices.jobs.find(c.job_id);
  if (rec == s.devices.jobs.end()) return not_found("job_not_found", "no print job " + c.job_id, "job_id");
  devices::PrintJobState job = rec->second.job;
  std::vector<Event> out;
  for (const devices::PrintJobEvent& e : c.events) {
    if (devices::event_job_id(e) != c.job_id) {
      return invalid("job_mismatch", "an event of another job", "events");
    }
    if (std::holds_alternative<devices::PrintJobQueued>(e)) {
      return conflict("job_exists", "print job " + c.job_id + " is already queued", "events");
    }
    if (std::holds_alternative<devices::JobDone>(e)) {
      // Decided together with the last acknowledgement (below); the runner reports it as well.
      if (job.status == devices::JobStatus::kDone) continue;
      return conflict("job_not_done", "print job " + c.job_id + " has open codes", "events");
    }
    auto decided = devices::decide(job, command_of(e));
    if (!decided.ok()) return decided.error();
    for (const devices::PrintJobEvent& d : *decided) devices::evolve(job, d);
    append_ledger_events(c.job_id, *decided, out);
  }
  return out;
}

}  // namespace agritrace::core
