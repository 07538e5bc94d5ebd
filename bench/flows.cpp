// agritrace_bench flows: fills a view store with N regulator ledger lines through the real
// projection (projections/regulator/ledger_lines_projection.h: synthetic enterprises in the GBA's
// cities, batches and shipments applied as stored events), then times the regulator's queries
// in-process (projections/regulator/flow_queries.h, no HTTP): a filter by product, by batch, by
// division + direction + date range, the first and a later page, the chain of a product.
//
//   agritrace_bench flows --dir /tmp/flows-bench --lines 1000000 [--enterprises 2000]
//                         [--products 50] [--days 365] [--repeat 20]
// An existing store (same --dir) is reused: --lines 0 only queries.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/regulator/jurisdiction.h"
#include "events/env/posix_env.h"
#include "events/envelope/envelope.h"
#include "events/regulator/divisions.h"
#include "projections/base/view_store.h"
#include "projections/regulator/flow_queries.h"
#include "projections/regulator/ledger_lines_projection.h"

namespace agritrace::bench {

namespace {

// Timing through the Env (the only clock sources may read).
int64_t now_ns() { return events::posix_env().monotonic_ns(); }
double ms_since(int64_t t0) { return static_cast<double>(now_ns() - t0) / 1e6; }

// Deterministic, no randomness source: a 64-bit LCG.
struct Lcg {
  uint64_t s;
  uint64_t next() { return s = s * 6364136223846793005ULL + 1442695040888963407ULL; }
  uint64_t below(uint64_t n) { return (next() >> 33) % n; }
};

}  // namespace

int cmd_flows(int argc, char** argv) {
  std::string dir = "/tmp/agritrace-flows-bench";
  int64_t lines = 1'000'000, enterprises = 2000, products = 50, days = 365, repeat = 20;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--dir")
      dir = value;
    else if (name == "--lines")
      lines = std::stoll(value);
    else if (name == "--enterprises")
      enterprises = std::stoll(value);
    else if (name == "--products")
      products = std::stoll(value);
    else if (name == "--days")
      days = std::stoll(value);
    else if (name == "--repeat")
      repeat = std::stoll(value);
    else {
      std::fprintf(stderr, "flows: unknown flag %s\n", name.c_str());
      return 2;
    }
  }
  auto store = projections::ViewStore::open(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "flows: %s\n", store.error().message.c_str());
    return 1;
  }
  projections::ViewStore& v = **store;
  const std::vector<std::string> cities = {
      "广东省广州市天河区", "广东省深圳市福田区", "广东省惠州市博罗县",
      "广东省东莞市",       "广东省佛山市南海区", "广东省珠海市香洲区",
      "广东省中山市",       "广东省江门市蓬江区", "广东省肇庆市端州区"};
  const int64_t day0 = 20'000;  // days since the epoch of the first day (any fixed day works)
  if (lines > 0) {
    auto projection = projections::make_ledger_lines_projection();
    Lcg rnd{42};
    std::vector<int64_t> seq(static_cast<size_t>(enterprises), 0);
    auto tenant = [](int64_t e) { return fmt::format("914400000000{:06d}", e); };
    const int64_t t0 = now_ns();
    projections::ViewBatch batch(v);
    int64_t pending = 0, made = 0;
    std::vector<int64_t> offsets = {0};
    auto apply = [&](int64_t e, int64_t day, const core::Event& ev) {
      events::StoredEvent se;
      se.envelope.tenant = tenant(e);
      se.envelope.tenant_seq = ++seq[static_cast<size_t>(e)];
      se.envelope.occurred_at_ms = (day0 + day) * 86'400'000LL + 4 * 3'600'000LL;
      (void)projection->apply(se, ev, batch);
      if (++pending == 20'000) {
        offsets[0] += pending;
        (void)v.commit(batch, offsets);
        pending = 0;
      }
    };
    for (int64_t e = 0; e < enterprises; ++e) {
      core::EnterpriseRegistered reg;
      reg.enterprise_id = tenant(e);
      reg.name = fmt::format("企业{}", e);
      reg.region = cities[static_cast<size_t>(e) % cities.size()];
      apply(e, 0, core::Event(reg));
    }
    // Each enterprise makes batches and ships them in parts to other enterprises.
    int64_t batch_no = 0;
    while (made < lines) {
      const int64_t e = static_cast<int64_t>(rnd.below(static_cast<uint64_t>(enterprises)));
      const int64_t day = static_cast<int64_t>(rnd.below(static_cast<uint64_t>(days)));
      core::BatchCreated b;
      b.batch_id = fmt::format("b-{}", ++batch_no);
      b.product = fmt::format("产品{}", rnd.below(static_cast<uint64_t>(products)));
      b.lot_code = fmt::format("L{}", batch_no);
      b.quantity = core::Quantity{100'000, core::Unit::kGram};
      apply(e, day, core::Event(b));
      ++made;
      for (int s = 0; s < 4 && made < lines; ++s, ++made) {
        const int64_t to = static_cast<int64_t>(rnd.below(static_cast<uint64_t>(enterprises)));
        core::ShipmentRecorded sh;
        sh.shipment_id = fmt::format("sh-{}-{}", batch_no, s);
        sh.batch_id = b.batch_id;
        sh.lot_code = b.lot_code;
        sh.product = b.product;
        sh.ship_to_tenant = tenant(to);
        sh.ship_to_name = fmt::format("企业{}", to);
        sh.quantity = core::Quantity{20'000, core::Unit::kGram};
        apply(e, std::min(days - 1, day + s), core::Event(sh));
      }
    }
    offsets[0] += pending;
    (void)v.commit(batch, offsets);
    std::printf("filled %lld lines (%lld enterprises) in %.1f s\n", static_cast<long long>(made),
                static_cast<long long>(enterprises), ms_since(t0) / 1000);
  }
  auto gba = core::parse_jurisdiction("GBA", &events::shipped_divisions());
  auto gz = core::parse_jurisdiction("440100", &events::shipped_divisions());
  const projections::RegulatorViewer gba_viewer{"gba-amr", *gba, {}};
  const projections::RegulatorViewer gz_viewer{"gz-amr", *gz, {}};
  auto time = [&](const char* what, const std::function<Result<std::string>()>& q) {
    std::vector<double> ms;
    size_t bytes = 0;
    for (int64_t r = 0; r < repeat; ++r) {
      const int64_t t0 = now_ns();
      auto out = q();
      ms.push_back(ms_since(t0));
      if (!out.ok()) {
        std::printf("%s: error %s\n", what, out.error().message.c_str());
        return;
      }
      bytes = out->size();
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-58s median %8.2f ms  p90 %8.2f ms  (%zu bytes)\n", what, ms[ms.size() / 2],
                ms[ms.size() * 9 / 10], bytes);
  };
  projections::FlowPage page{50, ""};
  const core::Date from{static_cast<int32_t>(day0 + 100)}, to{static_cast<int32_t>(day0 + 130)};
  time("GBA, product=产品7, first page of 50", [&] {
    projections::FlowFilter f;
    f.product = "产品7";
    return projections::ledger_lines(v, gba_viewer, f, page, projections::FlowFormat::kJson);
  });
  time("GBA, batch=L777", [&] {
    projections::FlowFilter f;
    f.batch = "L777";
    return projections::ledger_lines(v, gba_viewer, f, page, projections::FlowFormat::kJson);
  });
  time("Guangzhou, direction=produced, 31 days, page of 50", [&] {
    projections::FlowFilter f;
    f.direction = projections::regulator::Direction::kProduced;
    f.from = from;
    f.to = to;
    return projections::ledger_lines(v, gz_viewer, f, page, projections::FlowFormat::kJson);
  });
  time("GBA, product=产品7 + division 440300 + 31 days", [&] {
    projections::FlowFilter f;
    f.product = "产品7";
    f.division = "440300";
    f.from = from;
    f.to = to;
    return projections::ledger_lines(v, gba_viewer, f, page, projections::FlowFormat::kJson);
  });
  time("GBA, all lines, 10th page of 50 (cursor)", [&]() -> Result<std::string> {
    projections::FlowFilter f;
    projections::FlowPage p{50, ""};
    std::string out;
    for (int i = 0; i < 10; ++i) {
      auto r = projections::ledger_lines(v, gba_viewer, f, p, projections::FlowFormat::kJson);
      if (!r.ok()) return r;
      out = *r;
      const auto at = out.rfind("\"next_after\":\"");
      p.after = out.substr(at + 14, out.size() - at - 14 - 2);
    }
    return out;
  });
  time("GBA, chain of 产品7 over 31 days",
       [&] { return projections::flow_chain(v, gba_viewer, "产品7", "", from, to); });
  time("Guangzhou, statistics (month counters, all time)", [&] {
    projections::StatisticsQuery q;
    q.now_ms = (day0 + days) * 86'400'000LL;
    return projections::flow_statistics(v, gz_viewer, q, projections::FlowFormat::kJson);
  });
  time("Guangzhou, compliance (all-time counters)", [&] {
    projections::StatisticsQuery q;
    q.now_ms = (day0 + days) * 86'400'000LL;
    return projections::flow_compliance(v, gz_viewer, q, projections::FlowFormat::kJson);
  });
  return 0;
}

}  // namespace agritrace::bench
