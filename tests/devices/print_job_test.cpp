// The print-job rules alone (core/devices/print_job.h): decide/evolve and the invariant check.
#include <doctest/doctest.h>

#include "core/devices/print_job.h"

namespace cd = agritrace::core::devices;

namespace {

struct Job {
  cd::PrintJobState state;
  std::vector<cd::PrintJobEvent> events;
  agritrace::Status apply(const cd::PrintJobCommand& c) {
    auto r = cd::decide(state, c);
    if (!r.ok()) return r.status();
    for (const auto& e : *r) {
      cd::evolve(state, e);
      events.push_back(e);
    }
    return agritrace::Status::Ok();
  }
  std::string reason_of(const cd::PrintJobCommand& c) {
    auto st = apply(c);
    return st.ok() ? "" : st.error().reason;
  }
};

Job queued(std::vector<std::string> codes = {"a", "b", "c"}) {
  Job j;
  REQUIRE(j.apply(cd::QueueJob{"job-1", "line-1", std::move(codes)}).ok());
  return j;
}

}  // namespace

TEST_CASE("print job: codes sent, acknowledged one by one, then done") {
  Job j = queued();
  CHECK(j.state.status == cd::JobStatus::kQueued);
  REQUIRE(j.apply(cd::SendCodes{{"a", "b"}}).ok());
  CHECK(j.state.status == cd::JobStatus::kSending);
  CHECK(j.state.sent == 2);
  CHECK(cd::next_issued(j.state, 10) == std::vector<std::string>{"c"});
  REQUIRE(j.apply(cd::AcknowledgePrinted{"a"}).ok());
  REQUIRE(j.apply(cd::SendCodes{{"c"}}).ok());
  REQUIRE(j.apply(cd::AcknowledgePrinted{"b"}).ok());
  CHECK(j.state.status == cd::JobStatus::kSending);
  REQUIRE(j.apply(cd::AcknowledgePrinted{"c"}).ok());
  CHECK(j.state.status == cd::JobStatus::kDone);
  CHECK(j.state.printed == 3);
  CHECK(j.state.closed());
  CHECK(cd::check_history(j.events, true).ok());
  // Folding the events gives the same state: what a restart sees.
  auto folded = cd::fold(j.events);
  CHECK(folded.status == j.state.status);
  CHECK(folded.printed == 3);
  CHECK(folded.code_state == j.state.code_state);
}

TEST_CASE("print job: a code is printed only once, only after it was sent, never once voided") {
  Job j = queued();
  CHECK(j.reason_of(cd::AcknowledgePrinted{"a"}) == "code_not_sent");
  REQUIRE(j.apply(cd::SendCodes{{"a", "b"}}).ok());
  CHECK(j.reason_of(cd::SendCodes{{"a"}}) == "code_not_issued");
  CHECK(j.reason_of(cd::SendCodes{{"zzz"}}) == "unknown_code");
  REQUIRE(j.apply(cd::AcknowledgePrinted{"a"}).ok());
  CHECK(j.reason_of(cd::AcknowledgePrinted{"a"}) == "already_printed");
  // A sent code cannot be voided while the job is sending (the device may still print it)...
  CHECK(j.reason_of(cd::VoidCodes{{"b"}, "x"}) == "void_while_sending");
  // ...but an issued one can, and a printed one never.
  CHECK(j.reason_of(cd::VoidCodes{{"a"}, "x"}) == "already_printed");
  REQUIRE(j.apply(cd::PauseJob{"connection_lost"}).ok());
  REQUIRE(j.apply(cd::VoidCodes{{"b"}, "in_doubt_after_disconnect"}).ok());
  CHECK(j.reason_of(cd::AcknowledgePrinted{"b"}) == "code_voided");
  CHECK(j.reason_of(cd::VoidCodes{{"b"}, "x"}) == "code_voided");
  REQUIRE(j.apply(cd::ResumeJob{}).ok());
  REQUIRE(j.apply(cd::SendCodes{{"c"}}).ok());
  REQUIRE(j.apply(cd::AcknowledgePrinted{"c"}).ok());
  CHECK(j.state.status == cd::JobStatus::kDone);
  CHECK(j.state.printed == 2);
  CHECK(j.state.voided == 1);
  CHECK(cd::check_history(j.events, true).ok());
}

TEST_CASE("print job: after a failure every unprinted code is voidable and the job closes") {
  Job j = queued({"a", "b", "c", "d"});
  REQUIRE(j.apply(cd::SendCodes{{"a", "b", "c"}}).ok());
  REQUIRE(j.apply(cd::AcknowledgePrinted{"a"}).ok());
  REQUIRE(j.apply(cd::FailJob{"device_unreachable"}).ok());
  CHECK(j.state.status == cd::JobStatus::kFailed);
  CHECK_FALSE(j.state.closed());
  CHECK(cd::check_history(j.events, true).error().reason == "invariant_violated");
  auto open = cd::unprinted_codes(j.state);
  CHECK(open == std::vector<std::string>{"b", "c", "d"});
  REQUIRE(j.apply(cd::VoidCodes{open, "job_failed"}).ok());
  CHECK(j.state.closed());
  CHECK(j.state.status == cd::JobStatus::kFailed);
  CHECK(cd::check_history(j.events, true).ok());
  CHECK(j.reason_of(cd::FailJob{"again"}) == "job_terminal");
  CHECK(j.reason_of(cd::SendCodes{{}}) == "job_not_sending");
}

TEST_CASE("print job: commands refused by state") {
  cd::PrintJobState none;
  CHECK(cd::decide(none, cd::SendCodes{{"a"}}).error().reason == "job_not_found");
  CHECK(cd::decide(none, cd::QueueJob{"j", "l", {}}).error().reason == "job_empty");
  CHECK(cd::decide(none, cd::QueueJob{"j", "l", {"a", "a"}}).error().reason == "duplicate_code");
  Job j = queued();
  CHECK(j.reason_of(cd::QueueJob{"job-1", "l", {"x"}}) == "job_exists");
  CHECK(j.reason_of(cd::ResumeJob{}) == "job_not_paused");
  REQUIRE(j.apply(cd::PauseJob{"operator"}).ok());
  CHECK(j.reason_of(cd::SendCodes{{"a"}}) == "job_not_sending");
  CHECK(j.reason_of(cd::PauseJob{"again"}) == "job_not_sending");
  REQUIRE(j.apply(cd::ResumeJob{}).ok());
  REQUIRE(j.apply(cd::CancelJob{"operator"}).ok());
  REQUIRE(j.apply(cd::VoidCodes{cd::unprinted_codes(j.state), "job_cancelled"}).ok());
  CHECK(j.state.closed());
  CHECK(j.state.status == cd::JobStatus::kCancelled);
}

TEST_CASE("check_history finds each broken invariant") {
  using E = std::vector<cd::PrintJobEvent>;
  const cd::PrintJobQueued q{"j", "l", {"a", "b"}};
  const cd::CodesSent sent{"j", {"a", "b"}};
  auto reason = [](const E& events, bool closed) {
    auto st = cd::check_history(events, closed);
    return st.ok() ? std::string("ok") : st.error().message;
  };
  CHECK(reason(E{q, sent, cd::CodePrinted{"j", "a"}, cd::CodePrinted{"j", "a"}}, false) ==
        "printed twice: a");
  CHECK(reason(E{q, cd::CodePrinted{"j", "a"}}, false) == "printed before sent: a");
  CHECK(reason(E{q, sent, cd::CodePrinted{"j", "a"}, cd::CodesVoided{"j", {"a"}, "x"}}, false) ==
        "voided a printed code: a");
  CHECK(reason(E{q, sent, cd::CodesVoided{"j", {"a"}, "x"}, cd::CodePrinted{"j", "a"}}, false) ==
        "printed a voided code: a");
  CHECK(reason(E{q, sent, cd::CodePrinted{"j", "zz"}}, false) == "printed a code not issued: zz");
  CHECK(reason(E{q, sent, cd::CodePrinted{"j", "a"}, cd::JobDone{"j"}}, true) ==
        "neither printed nor voided at the end: b");
  CHECK(reason(E{q, sent, cd::CodePrinted{"j", "a"}, cd::CodePrinted{"j", "b"}, cd::JobDone{"j"}},
               true) == "ok");
}
