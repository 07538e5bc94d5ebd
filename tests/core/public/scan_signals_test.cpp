// Issue 12 (R-4.4.1): the counterfeit signals of a code's scans, and the customs / import fields of
// purchase orders and receipts (validation; payload bytes unchanged without them).
#include "core/public/scan_signals.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <variant>

#include "core/domain/event.h"
#include "core/production/customs.h"
#include "core/production/events.h"
#include "events/codec/domain_codec.h"
#include "tests/support/test_clock.h"

namespace agritrace::core {
namespace {

constexpr int64_t kMinute = 60'000;

ScanFact at(int64_t minutes, const char* consumer, double lat, double lon) {
  ScanFact f{minutes * kMinute, consumer, coarse_location(lat, lon), ""};
  f.city = std::string(city_of(*f.location));
  return f;
}

bool has(const ScanSignals& s, ScanWarning w) {
  return std::find(s.warnings.begin(), s.warnings.end(), w) != s.warnings.end();
}

}  // namespace

TEST_CASE("R-4.4.1 coarse location rounds to 0.1 degree and names the city") {
  auto gz = coarse_location(23.129, 113.264);
  REQUIRE(gz);
  CHECK(gz->lat_e1 == 231);
  CHECK(gz->lon_e1 == 1133);
  CHECK(city_of(*gz) == "广州市");
  CHECK(city_of(*coarse_location(39.9, 116.4)) == "北京市");
  CHECK(city_of(*coarse_location(0, 0)).empty());
  CHECK_FALSE(coarse_location(91, 0));
  CHECK_FALSE(coarse_location(0, 181));
  CHECK(distance_km(*coarse_location(23.13, 113.26), *coarse_location(39.9, 116.41)) > 1800);
}

TEST_CASE("R-4.4.1 scan signals: first scan, count, far apart, many scans, after sold elsewhere") {
  // One consumer in Guangzhou, twice: genuine.
  ScanSignals fine =
      scan_signals({at(5, "a", 23.13, 113.26), at(0, "a", 23.13, 113.26)}, std::nullopt);
  CHECK(fine.count == 2);
  CHECK(fine.consumers == 1);
  REQUIRE(fine.first);
  CHECK(fine.first->at_ms == 0);
  CHECK(fine.first->city == "广州市");
  CHECK(fine.warnings.empty());

  // Guangzhou then Beijing two hours later: far apart; a day and more later it is not.
  ScanSignals far =
      scan_signals({at(0, "a", 23.13, 113.26), at(120, "b", 39.9, 116.41)}, std::nullopt);
  CHECK(has(far, ScanWarning::kFarApart));
  CHECK(far.detail.find("北京市") != std::string::npos);
  CHECK(scan_signals({at(0, "a", 23.13, 113.26), at(25 * 60, "b", 39.9, 116.41)}, std::nullopt)
            .warnings.empty());
  // Guangzhou and Dongguan are near: no warning.
  CHECK(scan_signals({at(0, "a", 23.13, 113.26), at(10, "b", 23.02, 113.75)}, std::nullopt)
            .warnings.empty());

  // Many scans, or many consumers.
  std::vector<ScanFact> many;
  for (int i = 0; i < 20; ++i) many.push_back(at(i, "a", 23.13, 113.26));
  CHECK(has(scan_signals(many, std::nullopt), ScanWarning::kManyScans));
  std::vector<ScanFact> people;
  for (const char* c : {"a", "b", "c", "d", "e"}) people.push_back(at(1, c, 23.13, 113.26));
  CHECK(has(scan_signals(people, std::nullopt), ScanWarning::kManyScans));

  // Sold in Dongguan; scanned in Zhanjiang (400 km) afterwards is elsewhere; in Dongguan, in
  // neighbouring Shenzhen (< 100 km) or before the sale it is not.
  const SoldAt sold{60 * kMinute, "广东省东莞市"};
  CHECK(has(scan_signals({at(90, "a", 21.27, 110.36)}, sold), ScanWarning::kAfterSoldElsewhere));
  CHECK(scan_signals({at(90, "a", 23.02, 113.75)}, sold).warnings.empty());
  CHECK(scan_signals({at(90, "a", 22.54, 114.06)}, sold).warnings.empty());
  CHECK(scan_signals({at(30, "a", 21.27, 110.36)}, sold).warnings.empty());
}

// The summary the scan log keeps per code (one document read per scan page) gives the signals of
// the reference computation over every scan: generated sequences on the test clock, scans arriving
// in time order, some located later (location_only), checked after every step.
TEST_CASE("R-4.4.1 scan summary equals the reference computation over every scan") {
  struct Spot {
    double lat, lon;
  };
  const std::vector<Spot> spots = {{23.13, 113.26}, {23.02, 113.75}, {22.54, 114.06},
                                   {21.27, 110.36}, {39.90, 116.41}, {31.23, 121.47}};
  const int64_t base = testing::test_now_ms();
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](uint64_t n) { return static_cast<int64_t>(rng() % n); };
    // Half of the codes stay in the Pearl River Delta (mostly no warning), the others travel.
    const size_t far_spots = seed % 2 == 0 ? 3 : spots.size();
    const int64_t consumers = 1 + pick(seed % 3 == 0 ? 12 : 3);
    const std::optional<SoldAt> sold =
        seed % 4 == 0 ? std::optional<SoldAt>(SoldAt{base + pick(48) * 3'600'000, "广东省东莞市"})
                      : std::nullopt;
    std::vector<ScanFact> all;
    std::vector<std::string> ids;
    ScanSummary sum;
    int64_t t = base;
    const int64_t n = 1 + pick(40);
    for (int64_t i = 0; i < n; ++i) {
      t += pick(6 * 3'600'000);
      ScanFact f{t, fmt::format("c{}", pick(consumers)), std::nullopt, ""};
      const bool located = pick(3) != 0;
      const bool later = located && pick(4) == 0;  // the browser sends the position afterwards
      const Spot sp = spots[static_cast<size_t>(pick(static_cast<uint64_t>(far_spots)))];
      ScanFact loc = f;
      loc.location = coarse_location(sp.lat, sp.lon);
      loc.city = std::string(city_of(*loc.location));
      const std::string id = fmt::format("{:013d}-{:08x}", t, i);
      if (located && !later) f = loc;
      all.push_back(f);
      ids.push_back(id);
      fold_scan(sum, id, f, false);
      if (later) {
        all.back().location = loc.location;
        all.back().city = loc.city;
        fold_scan(sum, id, loc, true);
      }
      const ScanSignals want = scan_signals(all, sold);
      const ScanSignals got = scan_signals(sum, sold);
      REQUIRE(got.count == want.count);
      REQUIRE(got.consumers == want.consumers);
      REQUIRE(got.first.has_value() == want.first.has_value());
      CHECK(got.first->at_ms == want.first->at_ms);
      CHECK(got.first->consumer_id == want.first->consumer_id);
      CHECK(got.first->location == want.first->location);
      CHECK(got.first->city == want.first->city);
      REQUIRE(got.warnings == want.warnings);
      // Both name the same kind of finding first; the many-scans text is the same.
      if (!want.warnings.empty() && want.warnings.front() == ScanWarning::kManyScans) {
        CHECK(got.detail == want.detail);
      }
      CHECK(got.detail.empty() == want.detail.empty());
    }
  }
}

TEST_CASE("R-4.4.1 scan summary: far-apart detail, bounded consumers and places") {
  const int64_t base = testing::test_now_ms();
  ScanFact bj = at(120, "b", 39.9, 116.41);
  bj.at_ms += base;
  ScanFact gz = at(0, "a", 23.13, 113.26);
  gz.at_ms += base;
  ScanSummary s2;
  fold_scan(s2, "1", gz, false);
  fold_scan(s2, "2", bj, false);
  const ScanSignals sig = scan_signals(s2, std::nullopt);
  REQUIRE(sig.warnings == std::vector<ScanWarning>{ScanWarning::kFarApart});
  CHECK(sig.detail.starts_with("广州市 与 北京市 相距 "));
  CHECK(sig.detail.ends_with("间隔 120 分钟"));
  // Thousands of consumers and places: the summary stays bounded, the warnings stay right.
  ScanSummary big;
  for (int i = 0; i < 5'000; ++i) {
    ScanFact f{base + i * 1'000, fmt::format("consumer-{}", i),
               coarse_location(20 + (i % 200) * 0.1, 110), ""};
    fold_scan(big, std::to_string(i), f, false);
  }
  CHECK(big.count == 5'000);
  CHECK(big.consumers == static_cast<int64_t>(kTrackedConsumers));
  CHECK(big.consumer_keys.size() == kTrackedConsumers);
  CHECK(big.places.size() == kTrackedPlaces);
  const ScanSignals b = scan_signals(big, std::nullopt);
  CHECK(std::find(b.warnings.begin(), b.warnings.end(), ScanWarning::kManyScans) !=
        b.warnings.end());
  CHECK(std::find(b.warnings.begin(), b.warnings.end(), ScanWarning::kFarApart) !=
        b.warnings.end());  // 20.0 and 39.9 degrees north within a day
}

TEST_CASE("R-4.4.1 customs fields: validation, and payload bytes unchanged without them") {
  CHECK(validate_customs({}, "customs").ok());
  const CustomsInfo ok{"531620261234567890", "NZ", "广州南沙港", "440100-2026-0001"};
  CHECK(validate_customs(ok, "customs").ok());
  auto field_of = [](const CustomsInfo& c) { return validate_customs(c, "customs").error().field; };
  CHECK(field_of({"53162026", "NZ", "广州南沙港", ""}) == "customs.declaration_number");
  CHECK(field_of({"531620261234567890", "XX", "广州南沙港", ""}) == "customs.origin_country");
  CHECK(field_of({"531620261234567890", "nz", "广州南沙港", ""}) == "customs.origin_country");
  CHECK(field_of({"531620261234567890", "NZ", "", ""}) == "customs.port_of_entry");
  CHECK(field_of({"531620261234567890", "NZ", "广州南沙港", "bad cert"}) ==
        "customs.ciq_certificate_number");
  CHECK(is_iso3166_alpha2("CN"));
  CHECK_FALSE(is_iso3166_alpha2("UK"));

  // Without customs the payload is the golden one (no new keys); with them the keys follow.
  PurchaseOrderReceived e;
  e.po_id = "po-1";
  const std::string plain = events::encode_event_payload(Event(e));
  CHECK(plain.find("customs") == std::string::npos);
  CHECK(plain.find("origin_country") == std::string::npos);
  e.customs_declaration_number = ok.declaration_number;
  e.origin_country = "NZ";
  e.port_of_entry = "广州南沙港";
  const std::string with = events::encode_event_payload(Event(e));
  CHECK(with.find(R"("customs_declaration_number":"531620261234567890","origin_country":"NZ")") !=
        std::string::npos);
  CHECK(with.find("ciq_certificate_number") == std::string::npos);
  auto back = events::decode_event_payload(PurchaseOrderReceived::kType, with);
  REQUIRE(back.ok());
  CHECK(std::get<PurchaseOrderReceived>(*back) == e);
}

}  // namespace agritrace::core
