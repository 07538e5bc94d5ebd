#include "projections/base/runner.h"

#include "events/pii/pii_vault.h"

#include <fmt/format.h>

#include "events/codec/domain_codec.h"
#include "events/env/posix_env.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <optional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace agritrace::projections {

namespace {
constexpr size_t kBatchEvents = 2048;
// catch_up (a replay) commits when a batch changes this many keys (or at the ledger's end), not
// after every poll: a key written by many events of a batch reaches RocksDB once, and reads of
// keys written recently are answered from the batch. Two batches of this size are in memory.
constexpr size_t kCatchUpCommitKeys = 32768;
constexpr int32_t kPollMs = 50;  // also the granularity of wait_for timeouts
}  // namespace

struct ProjectionRunner::Impl {
  events::Ledger& ledger;
  ViewStore& views;
  std::vector<std::unique_ptr<Projection>> projections;
  Env& env;  // the monotonic clock of wait_for deadlines
  const events::PiiVault* pii = nullptr;  // opens sealed personal data before projecting

  mutable std::mutex mu;
  std::vector<int64_t> next;  // committed next offsets
  bool healthy = true;
  std::string detail;
  uint64_t applied = 0;
  bool at_end = false;
  struct Waiter {
    events::Position position;
    int64_t deadline_ns;  // on env.monotonic_ns()
    std::function<void(bool)> done;
  };
  std::list<Waiter> waiters;

  std::atomic<bool> stopping{false};
  std::thread thread;
  // Completes waiters as soon as a commit makes their position visible, instead of when the apply
  // loop next comes round (after up to a poll's wait when the ledger is quiet). Its own thread:
  // a waiter's callback may run a query, which must not run on the store's commit thread.
  std::thread settler;
  std::condition_variable settle_cv;  // guarded by mu
  bool settle_due = false;
  bool settler_stop = false;
  std::unique_ptr<events::LedgerReader> reader;

  // Two batches: one being applied here while the other is committed by the store's thread.
  std::unique_ptr<ViewBatch> batches[2];
  int current = 0;
  std::vector<int64_t> applied_next;  // applied, possibly not yet committed (apply thread only)
  size_t commit_keys = 0;         // commit once the batch changes this many keys; 0: every poll
  size_t catch_up_commit_keys = kCatchUpCommitKeys;
  size_t uncommitted_events = 0;  // polled into the current batch, not yet handed to a commit
  std::optional<Error> commit_error;  // guarded by mu
  // Gap detection (apply thread only): each tenant's events carry a dense sequence (the writer's
  // hash chain), so an event whose sequence does not follow the last one applied for its tenant
  // means events are missing. A tenant first met in a partition the reader started at offset 0
  // must start at 1; one first met mid-ledger is taken as it comes.
  std::unordered_map<std::string, int64_t> tenant_seq;
  std::vector<bool> from_start;

  Impl(events::Ledger& l, ViewStore& v, std::vector<std::unique_ptr<Projection>> p, Env& e)
      : ledger(l), views(v), projections(std::move(p)), env(e) {
    next = views.positions();
    next.resize(static_cast<size_t>(ledger.partition_count()), 0);
    applied_next = next;
    batches[0] = std::make_unique<ViewBatch>(views);
    batches[1] = std::make_unique<ViewBatch>(views);
  }
  ~Impl() { views.wait_idle(); }

  std::optional<Error> take_commit_error() {
    std::lock_guard lock(mu);
    std::optional<Error> e = std::move(commit_error);
    commit_error.reset();
    return e;
  }

  bool reached_locked(events::Position pos) const {
    const auto p = static_cast<size_t>(pos.partition);
    return p < next.size() && next[p] > pos.offset;
  }

  // Completes waiters that are satisfied or expired; callbacks run outside the lock.
  void settle_waiters() {
    std::vector<std::pair<std::function<void(bool)>, bool>> ready;
    {
      std::lock_guard lock(mu);
      const int64_t now = env.monotonic_ns();
      for (auto it = waiters.begin(); it != waiters.end();) {
        const bool ok = reached_locked(it->position);
        if (ok || now >= it->deadline_ns) {
          ready.emplace_back(std::move(it->done), ok);
          it = waiters.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& [fn, ok] : ready) fn(ok);
  }

  void fail(const Error& e) {
    // Nothing of the failed poll is kept: the half-applied batch is dropped and the next step
    // reads again from the committed positions (a later catch_up resumes exactly there).
    views.wait_idle();
    reader.reset();
    batches[current] = std::make_unique<ViewBatch>(views);
    uncommitted_events = 0;
    std::lock_guard lock(mu);
    applied_next = next;
    healthy = false;
    detail = e.message.empty() ? e.reason : e.message;
  }

  // Polls once and applies what came; returns at_end.
  Result<bool> step(int32_t timeout_ms) {
    if (!reader) {
      std::vector<int64_t> start;
      {
        std::lock_guard lock(mu);
        start = next;
      }
      auto r = ledger.open_reader(start);
      if (!r.ok()) return r.error();
      reader = std::move(r).value();
      from_start.assign(start.size(), false);
      for (size_t p = 0; p < start.size(); ++p) from_start[p] = start[p] == 0;
      tenant_seq.clear();
    }
    if (auto e = take_commit_error()) return *e;
    auto polled = reader->poll(timeout_ms, kBatchEvents);
    if (!polled.ok()) return polled.error();
    if (polled->events.empty()) {
      if (uncommitted_events > 0) {
        commit(polled->at_end);
        return polled->at_end;
      }
      views.wait_idle();
      if (auto e = take_commit_error()) return *e;
      std::lock_guard lock(mu);
      at_end = polled->at_end;
      return polled->at_end;
    }
    ViewBatch& batch = *batches[current];
    std::vector<int64_t>& new_next = applied_next;
    for (const events::StoredEvent& ev : polled->events) {
      const auto p = static_cast<size_t>(ev.position.partition);
      if (p >= new_next.size() || ev.position.offset < new_next[p]) continue;  // already applied
      auto [seq, first] = tenant_seq.try_emplace(ev.envelope.tenant, 0);
      if ((!first || from_start[p]) && ev.envelope.tenant_seq != seq->second + 1) {
        return make_error(ErrorCode::kCorruption, "ledger_gap",
                          fmt::format("ledger gap: tenant {} event {} at {} follows event {} "
                                      "(events missing; nothing was skipped)",
                                      ev.envelope.tenant, ev.envelope.tenant_seq,
                                      ev.position.to_string(), seq->second));
      }
      seq->second = ev.envelope.tenant_seq;
      auto payload = events::decode_event_payload(ev.envelope.type, ev.envelope.payload_json);
      if (!payload.ok()) {
        Error e = payload.error();
        e.message = fmt::format("event at {} ({}): {}", ev.position.to_string(), ev.envelope.type,
                                e.message);
        return e;
      }
      if (pii != nullptr) pii->open(ev.envelope.tenant, *payload);
      for (auto& proj : projections) {
        Status s = proj->apply(ev, *payload, batch);
        if (!s.ok()) {
          Error e = s.error();
          e.message = fmt::format("projection {} failed at {} ({}): {}", proj->name(),
                                  ev.position.to_string(), ev.envelope.type, e.message);
          return e;
        }
      }
      new_next[p] = ev.position.offset + 1;
    }
    uncommitted_events += polled->events.size();
    if (!polled->at_end && commit_keys > 0 && batch.pending() < commit_keys) return false;
    commit(polled->at_end);
    return polled->at_end;
  }

  // Commits the current batch on the store's thread while the next batch is read and applied
  // here. Positions become visible (waiters, status) only once the commit is done.
  void commit(bool end) {
    ViewBatch& batch = *batches[current];
    const size_t count = uncommitted_events;
    uncommitted_events = 0;
    views.commit_async(batch, applied_next, [this, committed = applied_next, count, end](Status s) {
      std::lock_guard lock(mu);
      if (!s.ok()) {
        commit_error = s.error();
        return;
      }
      next = committed;
      applied += count;
      at_end = end;
      settle_due = true;
      settle_cv.notify_one();
    });
    current ^= 1;
  }

  void settle_loop() {
    std::unique_lock lock(mu);
    for (;;) {
      settle_cv.wait(lock, [&] { return settle_due || settler_stop; });
      if (settler_stop) return;
      settle_due = false;
      lock.unlock();
      settle_waiters();
      lock.lock();
    }
  }

  void run() {
    while (!stopping.load()) {
      bool is_healthy;
      {
        std::lock_guard lock(mu);
        is_healthy = healthy;
      }
      if (is_healthy) {
        auto r = step(kPollMs);
        if (!r.ok()) {
          fail(r.error());
          std::fprintf(stderr, "projections: stopped: %s\n", r.error().message.c_str());
        }
      } else {
        // A broken projection is a bug or a damaged ledger: stay stopped and visible in /healthz
        // instead of skipping events. Keep expiring waiters.
        std::unique_lock lock(mu);
        std::condition_variable_any cv;
        cv.wait_for(lock, std::chrono::milliseconds(kPollMs), [&] { return stopping.load(); });
      }
      settle_waiters();
    }
  }
};

ProjectionRunner::ProjectionRunner(events::Ledger& ledger, ViewStore& views,
                                   std::vector<std::unique_ptr<Projection>> projections, Env* env)
    : impl_(std::make_unique<Impl>(ledger, views, std::move(projections),
                                   env != nullptr ? *env : events::posix_env())) {}

ProjectionRunner::~ProjectionRunner() { stop(); }

void ProjectionRunner::set_pii(const events::PiiVault* vault) { impl_->pii = vault; }

Status ProjectionRunner::catch_up(
    const std::function<void(uint64_t, const std::vector<int64_t>&)>& on_progress) {
  auto ends = impl_->ledger.end_offsets();
  if (!ends.ok()) return ends.status();
  impl_->commit_keys = impl_->catch_up_commit_keys;
  struct Restore {
    Impl& impl;
    ~Restore() { impl.commit_keys = 0; }
  } restore{*impl_};
  for (;;) {
    auto r = impl_->step(200);
    if (!r.ok()) {
      impl_->fail(r.error());
      return r.status();
    }
    if (*r) break;
    RunnerStatus st = status();
    if (on_progress) on_progress(st.events_applied, st.next_offsets);
  }
  impl_->views.wait_idle();
  if (auto e = impl_->take_commit_error()) {
    impl_->fail(*e);
    return *e;
  }
  if (on_progress) {
    RunnerStatus st = status();
    on_progress(st.events_applied, st.next_offsets);
  }
  impl_->settle_waiters();
  return Status::Ok();
}

void ProjectionRunner::set_catch_up_commit_keys(size_t keys) {
  impl_->catch_up_commit_keys = std::max<size_t>(keys, 1);
}

void ProjectionRunner::start() {
  impl_->stopping = false;
  {
    std::lock_guard lock(impl_->mu);
    impl_->settler_stop = false;
  }
  impl_->settler = std::thread([this] { impl_->settle_loop(); });
  impl_->thread = std::thread([this] { impl_->run(); });
}

void ProjectionRunner::stop() {
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  {
    std::lock_guard lock(impl_->mu);
    impl_->settler_stop = true;
    impl_->settle_cv.notify_all();
  }
  if (impl_->settler.joinable()) impl_->settler.join();
  std::vector<std::function<void(bool)>> pending;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& w : impl_->waiters) pending.push_back(std::move(w.done));
    impl_->waiters.clear();
  }
  for (auto& fn : pending) fn(false);
}

void ProjectionRunner::wait_for(events::Position position, int32_t timeout_ms,
                                std::function<void(bool)> done) {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->reached_locked(position)) {
      impl_->waiters.push_back(
          Impl::Waiter{position, impl_->env.monotonic_ns() + int64_t{timeout_ms} * 1'000'000, std::move(done)});
      return;
    }
  }
  done(true);
}

bool ProjectionRunner::reached(events::Position position) const {
  std::lock_guard lock(impl_->mu);
  return impl_->reached_locked(position);
}

RunnerStatus ProjectionRunner::status() const {
  std::lock_guard lock(impl_->mu);
  return RunnerStatus{impl_->healthy, impl_->detail, impl_->next, impl_->applied, impl_->at_end};
}

}  // namespace agritrace::projections

namespace agritrace::projections {

Result<std::vector<events::Position>> ledger_tail_positions(events::Ledger& ledger,
                                                            const std::vector<int64_t>& from,
                                                            int32_t timeout_ms, Env& env) {
  const int64_t deadline = env.monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  auto ends = ledger.end_offsets();
  if (!ends.ok()) return ends.error();
  const size_t n = ends->size();
  std::vector<int64_t> start(n, 0);
  std::vector<int64_t> last(n, -1);  // the newest event seen below the end, per partition
  std::vector<bool> done(n, false);
  for (size_t p = 0; p < n; ++p) {
    start[p] = std::min(p < from.size() ? from[p] : 0, (*ends)[p]);
    done[p] = start[p] >= (*ends)[p];  // nothing the views do not hold already
    // Before `from` the views hold everything: the event before it is a lower bound.
    if (start[p] > 0) last[p] = start[p] - 1;
  }
  auto all_done = [&] { return std::all_of(done.begin(), done.end(), [](bool d) { return d; }); };
  if (!all_done()) {
    auto reader = ledger.open_reader(start);
    if (!reader.ok()) return reader.error();
    while (!all_done()) {
      const int64_t left_ms = (deadline - env.monotonic_ns()) / 1'000'000;
      if (left_ms <= 0) {
        return make_error(ErrorCode::kTimeout, "ledger_tail_timeout",
                          fmt::format("the ledger's tail was not read within {} ms", timeout_ms));
      }
      auto polled = (*reader)->poll(static_cast<int32_t>(std::min<int64_t>(left_ms, kPollMs)),
                                    kBatchEvents);
      if (!polled.ok()) return polled.error();
      for (const events::StoredEvent& ev : polled->events) {
        const auto p = static_cast<size_t>(ev.position.partition);
        if (p >= n || done[p]) continue;
        // Events at or past the end were written after it was taken: everything before is read.
        if (ev.position.offset >= (*ends)[p]) {
          done[p] = true;
          continue;
        }
        last[p] = std::max(last[p], ev.position.offset);
        if (ev.position.offset + 1 >= (*ends)[p]) done[p] = true;
      }
      // A fresh reader at the end of every partition has read all that was there when it began.
      if (polled->at_end) break;
    }
  }
  std::vector<events::Position> out;
  for (size_t p = 0; p < n; ++p) {
    if (last[p] >= 0) out.push_back(events::Position{static_cast<int32_t>(p), last[p]});
  }
  return out;
}

}  // namespace agritrace::projections
