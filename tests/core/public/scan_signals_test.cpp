// Issue 12 (R-4.4.1): the counterfeit signals of a code's scans, and the customs / import fields of
// purchase orders and receipts (validation; payload bytes unchanged without them).
#include "core/public/scan_signals.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <variant>

#include "core/domain/event.h"
#include "core/production/customs.h"
#include "core/production/events.h"
#include "events/codec/domain_codec.h"

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
