// PrintLines: the server's side of the device layer. One thread per production line runs
// the line's print jobs one after the other with a devices::JobRunner and the line's driver (ZPL or
// text coder). Every event the runner emits is appended through the CommandWriter (the only
// appender) as a RecordPrintJobProgress command before the runner goes on: codes are recorded as
// sent before their bytes leave, and acknowledgements are appended once per acknowledgement group.
//
// The set of jobs and their state come from the ledger itself: a tail reader folds the devices
// events (lines, devices, jobs) from the first offset. Once it has caught up, every job that is not
// closed is resumed from its folded history (codes sent and not acknowledged are in doubt: the
// runner clears the device and voids them, so no code prints twice), and each print_job.queued
// appended later starts on its line.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/env.h"
#include "core/domain/tenant_state.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"

namespace agritrace::devices {
class JobRunner;
}

namespace agritrace::api {

struct PrintLinesOptions {
  int poll_timeout_ms = 20;
  int reconnect_give_up_ms = 30'000;
  int io_timeout_ms = 2'000;
  // Several nodes (issue 17): whether this node runs the jobs of `tenant` (it owns the tenant's
  // ledger partition). Every node tails the ledger; only the owner drives the line's devices.
  // Empty: every job runs here.
  std::function<bool(const std::string& tenant)> runs_here;
};

class PrintLines {
 public:
  enum class Request { kPause, kResume, kCancel };

  PrintLines(events::Ledger& ledger, events::CommandWriter& writer, Env& env, PrintLinesOptions options = {});
  ~PrintLines();
  PrintLines(const PrintLines&) = delete;
  PrintLines& operator=(const PrintLines&) = delete;

  Status start();  // opens the tail reader and starts its thread
  void stop();     // stops every runner (no more events) and joins the threads

  // An operator's request for a job, served by the line's runner. kNotFound `job_not_found`,
  // kConflict `job_closed` (nothing left to do).
  Status request(const std::string& tenant, const std::string& job_id, Request what);
  // The codes of a job not yet printed or voided (what a cancellation voids).
  Result<std::vector<std::string>> open_codes(const std::string& tenant, const std::string& job_id);
  // True once the tail reader has caught up with the ledger (jobs resumed).
  bool caught_up() const { return caught_up_; }

 private:
  struct Line {
    std::string tenant;
    std::string line_id;
    std::deque<std::string> jobs;
    std::map<std::string, std::vector<Request>> pending;  // requests for jobs not running yet
    std::string current_job;
    devices::JobRunner* current = nullptr;
    std::condition_variable cv;
    std::thread thread;
  };

  void tail_loop();
  void line_loop(Line* line);
  void run_job(Line* line, const std::string& job_id);
  void enqueue(const std::string& tenant, const std::string& line_id, const std::string& job_id);  // mu_ held
  Line& line_of(const std::string& tenant, const std::string& line_id);                          // mu_ held

  events::Ledger& ledger_;
  events::CommandWriter& writer_;
  Env& env_;
  PrintLinesOptions options_;
  std::unique_ptr<events::LedgerReader> reader_;
  std::thread tail_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> caught_up_{false};
  std::mutex mu_;
  std::map<std::string, core::TenantState, std::less<>> mirror_;  // devices events only
  std::map<std::string, std::unique_ptr<Line>> lines_;            // tenant '/' line id
};

}  // namespace agritrace::api
