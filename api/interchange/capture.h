// EPCIS 2.0 capture (issue 14): a partner's EPCISDocument parsed into core::epcis::Event values,
// and the capture jobs of POST /epcis/capture, recorded in the job store (api/service/job_store.h)
// so that GET answers them after a restart: a job the server did not finish (it stopped or
// crashed) answers "interrupted". Re-submitting its document is safe: what it appended is
// recognised by the event hashes (duplicates). Internal to api/interchange.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/service/job_store.h"
#include "core/base/status.h"
#include "core/interchange/epcis.h"

namespace agritrace::api {

// Parses the events of an EPCIS 2.0 JSON(-LD) EPCISDocument. A document that is not one fails
// as a whole (reason `epcis_document_invalid`); an event that does not parse is returned with its
// error so that the capture can report it by index.
struct CapturedEvent {
  core::epcis::Event event;
  std::optional<Error> error;
};
Result<std::vector<CapturedEvent>> parse_epcis_document(std::string_view body, size_t max_events);

struct CaptureProblem {
  size_t index = 0;  // position in the document's eventList
  std::string event_id;
  std::string code;
  std::string message;
};

struct CaptureJob {
  std::string id;  // "cj-N"
  std::string tenant;
  bool proceed = false;  // GS1-Capture-Error-Behaviour: proceed
  bool running = true;
  bool success = false;
  int64_t created_ms = 0;
  int64_t finished_ms = 0;
  size_t events = 0;
  size_t captured = 0;
  size_t duplicates = 0;
  std::vector<CaptureProblem> errors;
  // The ledger position of the last receipt appended (a client passes it as ?after= to read its
  // effects); empty: none.
  std::string position = {};
};

class CaptureJobs {
 public:
  explicit CaptureJobs(JobStore& store) : store_(store) {}
  // A new job, recorded; its id. kIoError when the store cannot record it.
  Result<std::string> create(const std::string& tenant, bool proceed, int64_t now_ms,
                             size_t events);
  // Runs fn on the job under the lock.
  template <class Fn>
  void update(const std::string& id, Fn fn) {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) fn(it->second);
  }
  // Runs fn on the job under the lock, marks it finished, then calls whoever waits for it.
  template <class Fn>
  void finish(const std::string& id, int64_t now_ms, Fn fn) {
    std::vector<std::function<void()>> waiting;
    {
      std::lock_guard lock(mu_);
      auto it = jobs_.find(id);
      if (it == jobs_.end()) return;
      fn(it->second);
      it->second.running = false;
      it->second.success = it->second.errors.empty();
      it->second.finished_ms = now_ms;
      record(it->second);
      waiting.swap(waiters_[id]);
      waiters_.erase(id);
    }
    for (auto& w : waiting) w();
  }
  // Calls fn once the job has finished (at once if it has); false when there is no such job.
  bool when_finished(const std::string& id, std::function<void()> fn);
  // The job as JSON, if it exists and belongs to the tenant (from the store when this server did
  // not run it).
  std::optional<std::string> json(const std::string& tenant, const std::string& id) const;
  // The job as GET answers it; `interrupted`: as it reads if the server stops before it finishes.
  static std::string json_of(const CaptureJob& j, bool interrupted);

 private:
  // Records the job: its final state once finished, else the state it would have if the server
  // stopped now (interrupted). Called under mu_.
  void record(const CaptureJob& j);

  JobStore& store_;
  mutable std::mutex mu_;
  std::map<std::string, CaptureJob> jobs_;
  std::map<std::string, std::vector<std::function<void()>>> waiters_;
};

}  // namespace agritrace::api
