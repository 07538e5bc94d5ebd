#include "replay/replay.h"

#include <fmt/format.h>

#include <unordered_map>

#include "projections/base/runner.h"
#include "projections/base/view_store.h"
#include "projections/production/projection.h"

namespace agritrace::replay {

Result<ReplayReport> rebuild_views(Env& env, events::Ledger& ledger, const std::string& views_path,
                                   const std::function<void(uint64_t, uint64_t, double)>& on_progress,
                                   const events::PiiVault* pii) {
  Status destroyed = projections::destroy_view_store(views_path);
  if (!destroyed.ok()) return destroyed.error();
  auto views = projections::ViewStore::open(views_path);
  if (!views.ok()) return views.error();
  auto ends = ledger.end_offsets();
  if (!ends.ok()) return ends.error();
  uint64_t total = 0;
  for (int64_t e : *ends) total += static_cast<uint64_t>(e);  // upper bound on Kafka (markers)
  const int64_t start = env.monotonic_ns();
  auto seconds = [&] { return static_cast<double>(env.monotonic_ns() - start) / 1e9; };
  projections::ProjectionRunner runner(ledger, **views, projections::make_all_projections(), &env);
  runner.set_pii(pii);
  // New views: bulk-load options while the runner applies (no compaction, larger memtables),
  // then one flush inside the timed replay; compaction resumes in the background after it (as it
  // ran in the background during a replay before). A crash meanwhile leaves views whose
  // positions match what they hold (views and positions share each WriteBatch; without a WAL a
  // memtable is flushed whole, in order); the next start opens them with the serving options and
  // resumes from those positions, a new replay starts afresh (destroy_view_store above).
  if (Status b = (*views)->begin_bulk_load(); !b.ok()) return b.error();
  Status s = runner.catch_up([&](uint64_t done, const std::vector<int64_t>&) {
    if (on_progress) on_progress(done, total, seconds());
  });
  if (!s.ok()) return s.error();
  if (Status e = (*views)->end_bulk_load(); !e.ok()) return e.error();
  ReplayReport report;
  report.events = runner.status().events_applied;
  report.seconds = seconds();
  report.digest = (*views)->digest();
  return report;
}

Result<VerifyReport> verify_chains(events::Ledger& ledger) {
  struct Head {
    int64_t seq = 0;
    std::string hash = events::genesis_hash();
  };
  std::unordered_map<std::string, Head> heads;
  VerifyReport report;
  auto reader = ledger.open_reader({});
  if (!reader.ok()) return reader.error();
  for (;;) {
    auto polled = (*reader)->poll(200, 4096);
    if (!polled.ok()) return polled.error();
    for (const events::StoredEvent& se : polled->events) {
      const events::Envelope& e = se.envelope;
      ++report.events;
      Head& h = heads[e.tenant];
      std::string problem;
      if (e.tenant_seq != h.seq + 1) {
        problem = fmt::format("sequence jumps from {} to {}", h.seq, e.tenant_seq);
      } else if (e.prev_hash != h.hash) {
        problem = "prev_hash does not match the previous event's hash";
      } else if (events::compute_chain_hash(e) != e.hash) {
        problem = "hash does not match the event's bytes (altered event)";
      }
      if (!problem.empty()) {
        report.intact = false;
        report.first_broken = fmt::format("tenant {} seq {} at {}: {}", e.tenant, e.tenant_seq,
                                          se.position.to_string(), problem);
        report.tenants = heads.size();
        return report;
      }
      h.seq = e.tenant_seq;
      h.hash = e.hash;
    }
    if (polled->at_end) break;
  }
  report.tenants = heads.size();
  return report;
}

}  // namespace agritrace::replay
