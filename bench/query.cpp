// agritrace_bench query: times the trace queries in-process (ProductionQueries on the RocksDB
// views, no HTTP; `--kind whereabouts`: SalesQueries::whereabouts_lot, the recall's read), on the ids of a sample file ("<tenant uscc> <id>" per line, written by
// `generate --csv`). The in-process figure is what the HTTP figure (wrk) adds its edge cost to.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <rocksdb/db.h>

#include "events/env/posix_env.h"
#include "projections/base/view_store.h"
#include "projections/production/queries.h"
#include "projections/sales/queries.h"
#include "projections/trace/lineage.h"

namespace agritrace::bench {

int cmd_query(int argc, char** argv) {
  std::string data = "./var/data", samples, kind = "backward";
  double seconds = 10;
  int32_t threads = 1;
  int64_t print = 0;  // > 0: print the answers to the first N samples (one per line) and stop
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--data") data = value;
    else if (name == "--samples") samples = value;
    else if (name == "--kind") kind = value;
    else if (name == "--seconds") seconds = std::stod(value);
    else if (name == "--threads") threads = std::max(1, std::stoi(value));
    else if (name == "--print") print = std::stoll(value);
    else {
      std::fprintf(stderr, "agritrace_bench query: unknown flag %s\n", name.c_str());
      return 2;
    }
  }
  const bool lineage_kind = kind == "lineage-forward" || kind == "lineage-backward";
  if (samples.empty() || (kind != "backward" && kind != "forward" && kind != "whereabouts" &&
                          kind != "whereabouts-batch" && !lineage_kind)) {
    std::fprintf(
        stderr,
        "usage: agritrace_bench query --data DIR --samples FILE --kind backward|forward|whereabouts"
        "|whereabouts-batch|lineage-forward|lineage-backward [--seconds S] [--threads N]\n");
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> ids;
  {
    std::ifstream in(samples);
    std::string tenant, id;
    while (in >> tenant >> id) ids.emplace_back(tenant, id);
  }
  if (ids.empty()) {
    std::fprintf(stderr, "agritrace_bench query: no samples in %s\n", samples.c_str());
    return 1;
  }
  auto views = projections::ViewStore::open(data + "/views");
  if (!views.ok()) {
    std::fprintf(stderr, "agritrace_bench query: %s\n", views.status().to_string().c_str());
    return 1;
  }
  const projections::ProductionQueries q(**views);
  // whereabouts: what GET /v1/whereabouts?lot_id= answers (api/sales/routes.cpp getWhereabouts);
  // whereabouts-batch: ?batch_id= (samples batch_ids.txt). Both read the lineage documents once.
  const projections::SalesQueries sales(**views);
  // lineage-*: the lineage read model's answers (GET /v1/trace/forward|backward,
  // projections/trace/lineage.h).
  const projections::LineageQueries lineage(**views);
  auto run = [&](const std::string& tenant, const std::string& id) {
    if (kind == "lineage-forward") return lineage.forward(tenant, tenant, id);
    if (kind == "lineage-backward") return lineage.backward(tenant, tenant, id);
    if (kind == "backward") return q.backward_trace(tenant, id);
    if (kind == "forward") return q.forward_trace(tenant, id);
    if (kind == "whereabouts-batch") return sales.whereabouts_batch(tenant, id);
    return sales.whereabouts_lot(tenant, id);
  };

  if (print > 0) {  // for bench/compare_lineage.py: "<tenant> <id> <answer or !error>" per line
    for (size_t i = 0; i < std::min<size_t>(ids.size(), static_cast<size_t>(print)); ++i) {
      auto r = run(ids[i].first, ids[i].second);
      std::printf("%s %s %s\n", ids[i].first.c_str(), ids[i].second.c_str(),
                  r.ok() ? r->c_str() : ("!" + r.error().reason).c_str());
    }
    return 0;
  }
  // A replay leaves RocksDB compacting the bulk-loaded views for a while after it returns, and that
  // compaction resumes in this process: timing during it measured it (backward p99 0.44 vs
  // 0.04 ms once it was done). Wait until none is pending or running, untimed.
  {
    const int64_t wait_start = events::posix_env().monotonic_ns();
    rocksdb::DB* db = (*views)->db();
    for (;;) {
      uint64_t pending = 0, running = 0, flushing = 0;
      db->GetIntProperty("rocksdb.compaction-pending", &pending);
      db->GetIntProperty("rocksdb.num-running-compactions", &running);
      db->GetIntProperty("rocksdb.num-running-flushes", &flushing);
      if (pending == 0 && running == 0 && flushing == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const double waited = static_cast<double>(events::posix_env().monotonic_ns() - wait_start) / 1e9;
    if (waited > 0.5) std::fprintf(stderr, "agritrace_bench query: waited %.1f s for the views' compaction\n", waited);
  }
  // Warm-up: one pass over a slice of the samples (block cache, page cache), untimed.
  for (size_t i = 0; i < std::min<size_t>(ids.size(), 2000); ++i) {
    (void)run(ids[i].first, ids[i].second);
  }

  std::vector<std::vector<int64_t>> lat(static_cast<size_t>(threads));
  std::atomic<uint64_t> errors{0}, bytes{0};
  // Timings on the Env's monotonic clock (the benches run on the POSIX Env).
  Env& env = events::posix_env();
  const int64_t start = env.monotonic_ns();
  const int64_t deadline = start + static_cast<int64_t>(seconds * 1e9);
  std::vector<std::thread> pool;
  for (int32_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<int64_t>& mine = lat[static_cast<size_t>(t)];
      mine.reserve(1 << 20);
      uint64_t my_bytes = 0;
      for (size_t i = static_cast<size_t>(t) * 7919;; ++i) {
        const auto& [tenant, id] = ids[i % ids.size()];
        const int64_t t0 = env.monotonic_ns();
        auto r = run(tenant, id);
        const int64_t t1 = env.monotonic_ns();
        mine.push_back(t1 - t0);
        if (r.ok()) my_bytes += r->size(); else errors.fetch_add(1);
        if (t1 >= deadline) break;
      }
      bytes.fetch_add(my_bytes);
    });
  }
  for (std::thread& t : pool) t.join();
  const double secs = static_cast<double>(env.monotonic_ns() - start) / 1e9;
  std::vector<int64_t> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    const size_t i = std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size())));
    return static_cast<double>(all[i]) / 1e6;  // ms
  };
  double sum = 0;
  for (int64_t v : all) sum += static_cast<double>(v);
  std::printf("queries      %zu (%s trace, %d threads, %.1f s, %llu errors)\n", all.size(), kind.c_str(),
              threads, secs, static_cast<unsigned long long>(errors.load()));
  std::printf("queries/s    %.0f\n", static_cast<double>(all.size()) / secs);
  std::printf("latency ms   avg %.4f p50 %.4f p99 %.4f max %.4f\n", sum / static_cast<double>(all.size()) / 1e6,
              pct(0.5), pct(0.99), pct(1.0));
  std::printf("avg bytes    %.0f\n", static_cast<double>(bytes.load()) / static_cast<double>(all.size()));
  return errors.load() == 0 ? 0 : 3;
}

}  // namespace agritrace::bench
