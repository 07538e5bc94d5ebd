// Issue 12 figures: the scan log's per-code summary on a real RocksDB. The live summary
// (written + queued scans) answers the pages; the writer thread stores the same summary with the
// scans; it survives a reopen; and it equals the fold of the code's scans as read back from the log
// (the reference computation the pages used before).
#include "api/public/scan_log.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::api {
namespace {

ScanRecord scan(ScanLog& log, int64_t at_ms, int i, std::optional<core::CoarseLocation> at) {
  ScanRecord r;
  r.scan_id = log.new_scan_id(at_ms);
  r.at_ms = at_ms;
  r.consumer_id = fmt::format("{:032x}", i % 7);
  r.serial = "S1";
  r.gtin = "06901234567892";
  r.lot = "L1";
  r.product = "净菜菜心 500g";
  r.tenant = "91441900MA51ABCD7J";
  r.batch_id = "b-1";
  r.location = at;
  if (at) r.city = std::string(core::city_of(*at));
  return r;
}

}  // namespace

TEST_CASE("R-4.4.1 scan log: live summary = stored summary = fold of the scans, survives reopen") {
  testing::TempDir dir;
  events::ControlledEnv env(events::posix_env());
  env.seed_random(12);
  const int64_t base = testing::test_now_ms();
  const std::vector<std::optional<core::CoarseLocation>> places = {
      core::coarse_location(23.13, 113.26), std::nullopt, core::coarse_location(23.02, 113.75),
      core::coarse_location(39.90, 116.41)};
  core::ScanSummary live;
  core::ScanSignals last;
  {
    auto opened = ScanLog::open(env, dir.path() + "/scans");
    REQUIRE(opened.ok());
    ScanLog& log = **opened;
    for (int i = 0; i < 60; ++i) {
      ScanRecord r = scan(log, base + i * 3'600'000, i, places[i % places.size()]);
      const std::string id = r.scan_id;
      last = log.record_scan(std::move(r), std::nullopt);
      CHECK(last.count == i + 1);  // its own scan and every one queued before, at once
      if (i == 1) {  // the second scan's position comes later
        ScanRecord loc = scan(log, base + 3'600'000, 1, core::coarse_location(22.54, 114.06));
        loc.scan_id = id;
        loc.location_only = true;
        REQUIRE(log.record(std::move(loc)));
      }
    }
    REQUIRE(log.wait_written(10'000));
    live = log.summary("S1");
    CHECK(log.stored_summary("S1") == live);
    // The fold of the scans read back from the log (their later location merged in).
    core::ScanSummary folded;
    for (const ScanRecord& r : log.code_scans("S1")) {
      core::fold_scan(folded, r.scan_id, core::ScanFact{r.at_ms, r.consumer_id, r.location, r.city},
                      false);
    }
    CHECK(folded.count == live.count);
    CHECK(folded.consumers == live.consumers);
    CHECK(folded.first == live.first);
    CHECK(folded.places == live.places);
    CHECK(folded.far_apart.empty() == live.far_apart.empty());
    CHECK(live.count == 60);
    CHECK(live.consumers == 7);
    CHECK(live.first->at_ms == base);
    CHECK(std::find(last.warnings.begin(), last.warnings.end(), core::ScanWarning::kFarApart) !=
          last.warnings.end());
    // The owner's alert is written from the summary.
    const auto alerts = log.alerts("91441900MA51ABCD7J");
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].find("\"scans\":60") != std::string::npos);
    CHECK(alerts[0].find("far_apart") != std::string::npos);
  }
  // Reopened: the stored summary reads back equal (codec round trip), and the next scan folds
  // into it.
  auto reopened = ScanLog::open(env, dir.path() + "/scans");
  REQUIRE(reopened.ok());
  ScanLog& log = **reopened;
  CHECK(log.stored_summary("S1") == live);
  CHECK(log.summary("S1") == live);
  const core::ScanSignals next =
      log.record_scan(scan(log, base + 61 * 3'600'000, 3, std::nullopt), std::nullopt);
  CHECK(next.count == 61);
  CHECK(next.consumers == 7);
  CHECK(log.summary("S2").count == 0);  // a code never scanned
}

}  // namespace agritrace::api
