#include "api/devices/print_lines.h"

#include <cstdio>
#include <future>

#include "core/devices/rules.h"
#include "core/domain/evolve.h"
#include "devices/job_runner.h"
#include "devices/text_coder.h"
#include "devices/zpl_printer.h"
#include "events/codec/domain_codec.h"

namespace agritrace::api {

namespace cd = core::devices;

namespace {

bool is_devices_type(std::string_view type) {
  return type.starts_with("print_job.") || type == core::LineRegistered::kType ||
         type == core::DeviceRegistered::kType;
}

// "pj-12" -> 12, for resuming jobs in the order they were queued.
int64_t id_number(const std::string& id) {
  const size_t dash = id.rfind('-');
  return dash == std::string::npos ? 0 : std::atoll(id.c_str() + dash + 1);
}

}  // namespace

PrintLines::PrintLines(events::Ledger& ledger, events::CommandWriter& writer, Env& env, PrintLinesOptions options)
    : ledger_(ledger), writer_(writer), env_(env), options_(options) {}

PrintLines::~PrintLines() { stop(); }

Status PrintLines::start() {
  auto reader = ledger_.open_reader({});
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  tail_ = std::thread([this] { tail_loop(); });
  return Status::Ok();
}

void PrintLines::stop() {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, line] : lines_) {
      if (line->current != nullptr) line->current->stop();
      line->cv.notify_all();
    }
  }
  if (tail_.joinable()) tail_.join();
  for (auto& [key, line] : lines_) {
    if (line->thread.joinable()) line->thread.join();
  }
}

PrintLines::Line& PrintLines::line_of(const std::string& tenant, const std::string& line_id) {
  auto& slot = lines_[tenant + "/" + line_id];
  if (!slot) {
    slot = std::make_unique<Line>();
    slot->tenant = tenant;
    slot->line_id = line_id;
    Line* l = slot.get();
    l->thread = std::thread([this, l] { line_loop(l); });
  }
  return *slot;
}

void PrintLines::enqueue(const std::string& tenant, const std::string& line_id, const std::string& job_id) {
  // Several nodes: the owner of the tenant's partition drives its lines; the others only follow.
  if (options_.runs_here && !options_.runs_here(tenant)) return;
  Line& line = line_of(tenant, line_id);
  line.jobs.push_back(job_id);
  line.cv.notify_all();
}

void PrintLines::tail_loop() {
  while (!stopping_) {
    auto polled = reader_->poll(100, 1024);
    if (!polled.ok()) {
      std::fprintf(stderr, "agritrace: print lines: ledger read failed: %s\n", polled.status().to_string().c_str());
      continue;
    }
    std::lock_guard lock(mu_);
    for (const events::StoredEvent& se : polled->events) {
      const events::Envelope& e = se.envelope;
      if (!is_devices_type(e.type)) continue;
      auto event = events::decode_event_payload(e.type, e.payload_json);
      if (!event.ok()) {
        std::fprintf(stderr, "agritrace: print lines: %s\n", event.status().to_string().c_str());
        continue;
      }
      core::evolve(mirror_[e.tenant], *event);
      if (caught_up_) {
        if (const auto* q = std::get_if<core::PrintJobQueued>(&*event)) enqueue(e.tenant, q->line_id, q->job_id);
      }
    }
    if (polled->at_end && !caught_up_) {
      // Resume every job that is not closed, in the order the jobs were queued.
      for (auto& [tenant, state] : mirror_) {
        std::vector<std::pair<int64_t, std::string>> open;
        for (const auto& [job_id, rec] : state.devices.jobs) {
          if (!rec.job.closed()) open.emplace_back(id_number(job_id), job_id);
        }
        std::sort(open.begin(), open.end());
        for (const auto& [n, job_id] : open) enqueue(tenant, state.devices.jobs.at(job_id).job.line_id, job_id);
      }
      caught_up_ = true;
    }
  }
}

void PrintLines::line_loop(Line* line) {
  for (;;) {
    std::string job_id;
    {
      std::unique_lock lock(mu_);
      line->cv.wait(lock, [&] { return stopping_ || !line->jobs.empty(); });
      if (stopping_) return;
      job_id = line->jobs.front();
      line->jobs.pop_front();
    }
    run_job(line, job_id);
  }
}

void PrintLines::run_job(Line* line, const std::string& job_id) {
  cd::PrintJobState state;
  core::DeviceState device;
  std::string device_id;
  {
    std::lock_guard lock(mu_);
    const core::TenantState& t = mirror_[line->tenant];
    auto rec = t.devices.jobs.find(job_id);
    if (rec == t.devices.jobs.end() || rec->second.job.closed()) return;
    state = rec->second.job;
    device_id = rec->second.device_id;
    auto dev = t.devices.devices.find(device_id);
    if (dev == t.devices.devices.end()) return;
    device = dev->second;
  }
  devices::DeviceEndpoint endpoint;
  endpoint.host = device.host;
  endpoint.port = static_cast<uint16_t>(device.port);
  endpoint.io_timeout_ms = options_.io_timeout_ms;
  std::unique_ptr<devices::PrintDriver> driver;
  if (device.protocol == core::DeviceProtocol::kZpl) {
    devices::ZplOptions o;
    o.endpoint = endpoint;
    if (device.max_in_flight > 0) o.max_in_flight = static_cast<size_t>(device.max_in_flight);
    driver = std::make_unique<devices::ZplPrinterDriver>(env_, o);
  } else {
    devices::TextCoderOptions o;
    o.endpoint = endpoint;
    o.max_in_flight = static_cast<size_t>(device.max_in_flight);
    driver = std::make_unique<devices::TextCoderDriver>(env_, o);
  }

  // The sink: every event is appended before the runner goes on; acknowledgements wait for the
  // end of their group (flush). A failed append stops the runner: the job stays open in the
  // ledger and is resumed from what is durable at the next start.
  std::vector<cd::PrintJobEvent> pending;
  devices::JobRunner* runner_ptr = nullptr;
  bool failed = false;
  auto flush = [&] {
    if (pending.empty() || failed) return;
    events::CommandSubmission sub;
    sub.command_name = "record_print_job_progress";
    sub.tenant = line->tenant;
    sub.actor = "device:" + device_id;
    sub.command = core::RecordPrintJobProgress{job_id, std::move(pending)};
    pending.clear();
    std::promise<Status> done;
    sub.done = [&done](Result<events::CommandOutcome> r) { done.set_value(r.status()); };
    writer_.submit(std::move(sub));
    Status st = done.get_future().get();
    if (!st.ok()) {
      failed = true;
      if (!stopping_) {
        std::fprintf(stderr, "agritrace: print job %s/%s: %s (resumed at the next start)\n", line->tenant.c_str(),
                     job_id.c_str(), st.to_string().c_str());
      }
      runner_ptr->stop();
    }
  };
  auto sink = [&](const cd::PrintJobEvent& e) {
    if (failed) return;
    pending.push_back(e);
    if (!std::holds_alternative<cd::CodePrinted>(e)) flush();
  };
  devices::RunnerOptions ro;
  ro.poll_timeout_ms = options_.poll_timeout_ms;
  ro.reconnect_give_up_ms = options_.reconnect_give_up_ms;
  devices::JobRunner runner(env_, *driver, sink, ro);
  runner_ptr = &runner;
  runner.set_flush(flush);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    line->current = &runner;
    line->current_job = job_id;
    auto p = line->pending.find(job_id);
    if (p != line->pending.end()) {
      for (Request r : p->second) {
        if (r == Request::kPause) runner.request_pause();
        if (r == Request::kResume) runner.request_resume();
        if (r == Request::kCancel) runner.request_cancel();
      }
      line->pending.erase(p);
    }
  }
  Status st = runner.resume_from(std::move(state));
  if (st.ok()) st = runner.run();
  flush();
  if (!st.ok() && !stopping_ && !failed) {
    std::fprintf(stderr, "agritrace: print job %s/%s stopped: %s\n", line->tenant.c_str(), job_id.c_str(),
                 st.to_string().c_str());
  }
  std::lock_guard lock(mu_);
  line->current = nullptr;
  line->current_job.clear();
}

Status PrintLines::request(const std::string& tenant, const std::string& job_id, Request what) {
  std::lock_guard lock(mu_);
  auto t = mirror_.find(tenant);
  const core::PrintJobRecord* rec = nullptr;
  if (t != mirror_.end()) {
    auto j = t->second.devices.jobs.find(job_id);
    if (j != t->second.devices.jobs.end()) rec = &j->second;
  }
  if (rec == nullptr) return make_error(ErrorCode::kNotFound, "job_not_found", "no print job " + job_id, "job_id");
  if (rec->job.closed() || cd::is_terminal(rec->job.status)) {
    return make_error(ErrorCode::kConflict, "job_closed",
                      "print job " + job_id + " is " + cd::job_status_name(rec->job.status), "job_id");
  }
  Line& line = line_of(tenant, rec->job.line_id);
  if (line.current != nullptr && line.current_job == job_id) {
    if (what == Request::kPause) line.current->request_pause();
    if (what == Request::kResume) line.current->request_resume();
    if (what == Request::kCancel) line.current->request_cancel();
  } else {
    line.pending[job_id].push_back(what);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> PrintLines::open_codes(const std::string& tenant, const std::string& job_id) {
  std::lock_guard lock(mu_);
  auto t = mirror_.find(tenant);
  if (t != mirror_.end()) {
    auto j = t->second.devices.jobs.find(job_id);
    if (j != t->second.devices.jobs.end()) return cd::unprinted_codes(j->second.job);
  }
  return make_error(ErrorCode::kNotFound, "job_not_found", "no print job " + job_id, "job_id");
}

}  // namespace agritrace::api
