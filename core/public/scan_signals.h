// Counterfeit signals of a trace code from its scans (issue 12, R-4.4.1): pure rules, no clock and
// no I/O. A genuine code printed on one unit is scanned by a few people in one place; a copied
// code shows up in far-apart cities within hours, is scanned very often, or is scanned somewhere
// else after the unit was sold to a consumer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agritrace::core {

// A coarse location: latitude and longitude rounded to 0.1 degree (about 11 km), never finer.
struct CoarseLocation {
  int32_t lat_e1 = 0;  // latitude * 10
  int32_t lon_e1 = 0;  // longitude * 10
  bool operator==(const CoarseLocation&) const = default;
};
// Rounds a browser's position; nullopt when outside -90..90 / -180..180 or not finite.
std::optional<CoarseLocation> coarse_location(double lat, double lon);
// Great-circle distance in km.
double distance_km(const CoarseLocation& a, const CoarseLocation& b);

// The nearest city of the built-in table (prefecture-level cities of Guangdong and China's large
// cities) within 60 km; "" when none is that close.
std::string_view city_of(const CoarseLocation& at);

// One recorded scan of a code.
struct ScanFact {
  int64_t at_ms = 0;
  std::string consumer_id;
  std::optional<CoarseLocation> location;
  std::string city;  // city_of(location), "" when unknown
};

struct ScanThresholds {
  double far_km = 300;                     // two scans this far apart ...
  int64_t far_within_ms = 24 * 3'600'000;  // ... within this time: far_apart
  int64_t many_scans = 20;                 // this many scans: many_scans
  int64_t many_consumers = 5;              // or this many different consumers
};

// Where the code's unit was sold to a consumer (the retail sale's shop), when it was.
struct SoldAt {
  int64_t at_ms = 0;
  std::string region;  // the selling enterprise's region, e.g. "广东省东莞市"
};

enum class ScanWarning : uint8_t { kFarApart, kManyScans, kAfterSoldElsewhere };
std::string_view scan_warning_name(ScanWarning w);  // far_apart | many_scans | after_sold_elsewhere
std::string_view scan_warning_zh(ScanWarning w);    // the consumer's words

struct ScanSignals {
  int64_t count = 0;
  int64_t consumers = 0;
  std::optional<ScanFact> first;  // the earliest scan
  std::vector<ScanWarning> warnings;
  std::string
      detail;  // what raised the first warning, e.g. "广州市 与 北京市 相距 1889 km，间隔 2 小时"
};

// The signals of `scans` (any order). `sold` when the unit was sold to a consumer.
ScanSignals scan_signals(std::vector<ScanFact> scans, const std::optional<SoldAt>& sold,
                         const ScanThresholds& t = {});

}  // namespace agritrace::core
