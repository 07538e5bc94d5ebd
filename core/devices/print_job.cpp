#include "core/devices/print_job.h"

#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "core/base/overloaded.h"

namespace agritrace::core::devices {

namespace {

Error conflict(std::string reason, std::string message) {
  return make_error(ErrorCode::kConflict, std::move(reason), std::move(message));
}

CodeState state_of(const PrintJobState& state, const std::string& code, bool* known) {
  auto it = state.code_state.find(code);
  *known = it != state.code_state.end();
  return *known ? it->second : CodeState::kIssued;
}

// JobDone when a live job has nothing open after `closing` more codes are printed or voided.
void maybe_done(const PrintJobState& state, size_t closing, std::vector<PrintJobEvent>& out) {
  bool live = state.status == JobStatus::kSending || state.status == JobStatus::kPaused ||
              state.status == JobStatus::kQueued;
  if (live && state.open_count() == closing) out.push_back(JobDone{state.job_id});
}

}  // namespace

const char* job_status_name(JobStatus status) {
  switch (status) {
    case JobStatus::kNone: return "none";
    case JobStatus::kQueued: return "queued";
    case JobStatus::kSending: return "sending";
    case JobStatus::kPaused: return "paused";
    case JobStatus::kDone: return "done";
    case JobStatus::kFailed: return "failed";
    case JobStatus::kCancelled: return "cancelled";
  }
  return "unknown";
}

bool is_terminal(JobStatus status) {
  return status == JobStatus::kDone || status == JobStatus::kFailed ||
         status == JobStatus::kCancelled;
}

const std::string& event_job_id(const PrintJobEvent& event) {
  return std::visit([](const auto& e) -> const std::string& { return e.job_id; }, event);
}

const char* event_name(const PrintJobEvent& event) {
  static constexpr const char* kNames[] = {"PrintJobQueued", "CodesSent",  "CodePrinted",
                                           "CodesVoided",    "JobPaused",  "JobResumed",
                                           "JobFailed",      "JobCancelled", "JobDone"};
  return kNames[event.index()];
}

std::vector<std::string> codes_in_state(const PrintJobState& state, CodeState wanted) {
  std::vector<std::string> out;
  for (const auto& code : state.codes) {
    if (state.code_state.at(code) == wanted) out.push_back(code);
  }
  return out;
}

std::vector<std::string> unprinted_codes(const PrintJobState& state) {
  std::vector<std::string> out;
  for (const auto& code : state.codes) {
    CodeState s = state.code_state.at(code);
    if (s == CodeState::kIssued || s == CodeState::kSent) out.push_back(code);
  }
  return out;
}

std::vector<std::string> next_issued(const PrintJobState& state, size_t n) {
  std::vector<std::string> out;
  for (size_t i = state.next_unsent; i < state.codes.size() && out.size() < n; ++i) {
    if (state.code_state.at(state.codes[i]) == CodeState::kIssued) out.push_back(state.codes[i]);
  }
  return out;
}

Result<std::vector<PrintJobEvent>> decide(const PrintJobState& state,
                                          const PrintJobCommand& command) {
  std::vector<PrintJobEvent> out;
  if (!std::holds_alternative<QueueJob>(command) && state.status == JobStatus::kNone) {
    return make_error(ErrorCode::kNotFound, "job_not_found", "no such print job");
  }
  Status st = std::visit(
      Overloaded{
          [&](const QueueJob& c) -> Status {
            if (state.status != JobStatus::kNone) {
              return conflict("job_exists", "a print job with this id exists");
            }
            if (c.codes.empty()) {
              return make_error(ErrorCode::kInvalidArgument, "job_empty", "a job needs codes",
                                "codes");
            }
            std::unordered_set<std::string_view> seen;
            for (const auto& code : c.codes) {
              if (!seen.insert(code).second) {
                return make_error(ErrorCode::kInvalidArgument, "duplicate_code",
                                  "code listed twice: " + code, "codes");
              }
            }
            out.push_back(PrintJobQueued{c.job_id, c.line_id, c.codes});
            return Status::Ok();
          },
          [&](const SendCodes& c) -> Status {
            if (state.status != JobStatus::kQueued && state.status != JobStatus::kSending) {
              return conflict("job_not_sending", std::string("job is ") +
                                                     job_status_name(state.status));
            }
            std::unordered_set<std::string_view> seen;
            for (const auto& code : c.codes) {
              bool known = false;
              CodeState s = state_of(state, code, &known);
              if (!known) {
                return make_error(ErrorCode::kInvalidArgument, "unknown_code",
                                  "not a code of this job: " + code, "codes");
              }
              if (s != CodeState::kIssued || !seen.insert(code).second) {
                return conflict("code_not_issued", "code already sent, printed or voided: " + code);
              }
            }
            if (!c.codes.empty()) out.push_back(CodesSent{state.job_id, c.codes});
            return Status::Ok();
          },
          [&](const AcknowledgePrinted& c) -> Status {
            bool known = false;
            CodeState s = state_of(state, c.code, &known);
            if (!known) {
              return make_error(ErrorCode::kInvalidArgument, "unknown_code",
                                "not a code of this job: " + c.code, "code");
            }
            switch (s) {
              case CodeState::kPrinted:
                return conflict("already_printed", "code already printed: " + c.code);
              case CodeState::kVoided:
                return conflict("code_voided", "code was voided: " + c.code);
              case CodeState::kIssued:
                return conflict("code_not_sent", "code was never sent: " + c.code);
              case CodeState::kSent: break;
            }
            out.push_back(CodePrinted{state.job_id, c.code});
            maybe_done(state, 1, out);
            return Status::Ok();
          },
          [&](const VoidCodes& c) -> Status {
            if (state.status == JobStatus::kDone) return conflict("job_terminal", "job is done");
            std::unordered_set<std::string_view> seen;
            for (const auto& code : c.codes) {
              bool known = false;
              CodeState s = state_of(state, code, &known);
              if (!known) {
                return make_error(ErrorCode::kInvalidArgument, "unknown_code",
                                  "not a code of this job: " + code, "codes");
              }
              if (s == CodeState::kPrinted) {
                return conflict("already_printed", "a printed code cannot be voided: " + code);
              }
              if (s == CodeState::kVoided || !seen.insert(code).second) {
                return conflict("code_voided", "code already voided: " + code);
              }
              if (s == CodeState::kSent && state.status == JobStatus::kSending) {
                return conflict("void_while_sending",
                                "a sent code is voidable only once the job is paused, failed or "
                                "cancelled (the device buffer cleared): " +
                                    code);
              }
            }
            if (c.codes.empty()) return Status::Ok();
            out.push_back(CodesVoided{state.job_id, c.codes, c.reason});
            maybe_done(state, c.codes.size(), out);
            return Status::Ok();
          },
          [&](const PauseJob& c) -> Status {
            if (state.status != JobStatus::kQueued && state.status != JobStatus::kSending) {
              return conflict("job_not_sending", std::string("job is ") +
                                                     job_status_name(state.status));
            }
            out.push_back(JobPaused{state.job_id, c.reason});
            return Status::Ok();
          },
          [&](const ResumeJob&) -> Status {
            if (state.status != JobStatus::kPaused) {
              return conflict("job_not_paused", std::string("job is ") +
                                                    job_status_name(state.status));
            }
            out.push_back(JobResumed{state.job_id});
            return Status::Ok();
          },
          [&](const FailJob& c) -> Status {
            if (is_terminal(state.status)) {
              return conflict("job_terminal", std::string("job is ") +
                                                  job_status_name(state.status));
            }
            out.push_back(JobFailed{state.job_id, c.reason});
            return Status::Ok();
          },
          [&](const CancelJob& c) -> Status {
            if (is_terminal(state.status)) {
              return conflict("job_terminal", std::string("job is ") +
                                                  job_status_name(state.status));
            }
            out.push_back(JobCancelled{state.job_id, c.reason});
            return Status::Ok();
          },
      },
      command);
  if (!st.ok()) return st.error();
  return out;
}

void evolve(PrintJobState& state, const PrintJobEvent& event) {
  auto advance_unsent = [&state] {
    while (state.next_unsent < state.codes.size() &&
           state.code_state[state.codes[state.next_unsent]] != CodeState::kIssued) {
      ++state.next_unsent;
    }
  };
  std::visit(Overloaded{
                 [&](const PrintJobQueued& e) {
                   state = PrintJobState{};
                   state.job_id = e.job_id;
                   state.line_id = e.line_id;
                   state.status = JobStatus::kQueued;
                   state.codes = e.codes;
                   state.code_state.reserve(e.codes.size());
                   for (const auto& code : e.codes) state.code_state[code] = CodeState::kIssued;
                 },
                 [&](const CodesSent& e) {
                   for (const auto& code : e.codes) state.code_state[code] = CodeState::kSent;
                   state.sent += e.codes.size();
                   if (state.status == JobStatus::kQueued) state.status = JobStatus::kSending;
                   advance_unsent();
                 },
                 [&](const CodePrinted& e) {
                   state.code_state[e.code] = CodeState::kPrinted;
                   --state.sent;
                   ++state.printed;
                 },
                 [&](const CodesVoided& e) {
                   for (const auto& code : e.codes) {
                     CodeState& s = state.code_state[code];
                     if (s == CodeState::kSent) --state.sent;
                     s = CodeState::kVoided;
                   }
                   state.voided += e.codes.size();
                   advance_unsent();
                 },
                 [&](const JobPaused& e) {
                   state.status = JobStatus::kPaused;
                   state.reason = e.reason;
                 },
                 [&](const JobResumed&) {
                   state.status = JobStatus::kSending;
                   state.reason.clear();
                 },
                 [&](const JobFailed& e) {
                   state.status = JobStatus::kFailed;
                   state.reason = e.reason;
                 },
                 [&](const JobCancelled& e) {
                   state.status = JobStatus::kCancelled;
                   state.reason = e.reason;
                 },
                 [&](const JobDone&) { state.status = JobStatus::kDone; },
             },
             event);
}

PrintJobState fold(const std::vector<PrintJobEvent>& events) {
  PrintJobState state;
  for (const auto& e : events) evolve(state, e);
  return state;
}

Status check_history(const std::vector<PrintJobEvent>& events, bool require_closed) {
  auto violated = [](std::string what) {
    return Status(make_error(ErrorCode::kInternal, "invariant_violated", std::move(what)));
  };
  std::unordered_map<std::string, CodeState> seen;  // issued code -> furthest state
  std::unordered_map<std::string, int> printed_times;
  JobStatus status = JobStatus::kNone;
  size_t issued = 0;
  for (const auto& event : events) {
    if (const auto* q = std::get_if<PrintJobQueued>(&event)) {
      if (status != JobStatus::kNone) return violated("job queued twice");
      for (const auto& c : q->codes) seen[c] = CodeState::kIssued;
      issued = q->codes.size();
      status = JobStatus::kQueued;
    } else if (const auto* s = std::get_if<CodesSent>(&event)) {
      for (const auto& c : s->codes) {
        auto it = seen.find(c);
        if (it == seen.end()) return violated("sent a code not issued: " + c);
        if (it->second != CodeState::kIssued) return violated("sent a code twice: " + c);
        it->second = CodeState::kSent;
      }
    } else if (const auto* p = std::get_if<CodePrinted>(&event)) {
      auto it = seen.find(p->code);
      if (it == seen.end()) return violated("printed a code not issued: " + p->code);
      if (++printed_times[p->code] > 1) return violated("printed twice: " + p->code);
      if (it->second == CodeState::kVoided) return violated("printed a voided code: " + p->code);
      if (it->second != CodeState::kSent) {
        return violated("printed before sent: " + p->code);
      }
      it->second = CodeState::kPrinted;
    } else if (const auto* v = std::get_if<CodesVoided>(&event)) {
      for (const auto& c : v->codes) {
        auto it = seen.find(c);
        if (it == seen.end()) return violated("voided a code not issued: " + c);
        if (it->second == CodeState::kPrinted) return violated("voided a printed code: " + c);
        if (it->second == CodeState::kVoided) return violated("voided twice: " + c);
        it->second = CodeState::kVoided;
      }
    } else if (std::holds_alternative<JobDone>(event)) {
      status = JobStatus::kDone;
    } else if (std::holds_alternative<JobFailed>(event)) {
      status = JobStatus::kFailed;
    } else if (std::holds_alternative<JobCancelled>(event)) {
      status = JobStatus::kCancelled;
    }
  }
  if (require_closed) {
    if (!is_terminal(status)) return violated("job not terminal");
    size_t closed = 0;
    for (const auto& [code, s] : seen) {
      if (s == CodeState::kPrinted || s == CodeState::kVoided) {
        ++closed;
      } else {
        return violated("neither printed nor voided at the end: " + code);
      }
    }
    if (closed != issued) return violated("printed ∪ voided != issued");
  }
  return Status::Ok();
}

}  // namespace agritrace::core::devices
