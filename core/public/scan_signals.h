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
  bool operator==(const ScanFact&) const = default;
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
// The reference computation over every scan; the scan log keeps a ScanSummary instead.
ScanSignals scan_signals(std::vector<ScanFact> scans, const std::optional<SoldAt>& sold,
                         const ScanThresholds& t = {});

// ---- the per-code scan summary (what the signals need, O(1) in the number of scans) ----
// The scan log's writer folds each scan into its code's summary and stores it with the scan, so a
// scan page reads one document instead of every earlier scan of the code. Bounded: at most
// kTrackedConsumers consumer keys and kTrackedPlaces places per code.
inline constexpr size_t kTrackedConsumers = 256;
inline constexpr size_t kTrackedPlaces = 64;

// A coarse location where the code was scanned, with its latest scan there.
struct ScanPlace {
  CoarseLocation at;
  std::string city;
  int64_t last_ms = 0;
  bool operator==(const ScanPlace&) const = default;
};

struct ScanSummary {
  int64_t count = 0;
  // Distinct consumers: exact up to kTrackedConsumers; beyond that it stops growing (a lower bound,
  // far above the many_consumers threshold).
  int64_t consumers = 0;
  std::vector<uint64_t> consumer_keys;  // sorted consumer_key() of the consumers counted
  std::optional<ScanFact> first;        // the earliest scan (its location once known)
  std::string first_scan_id;
  int64_t last_ms = 0;                  // the latest scan
  std::vector<ScanPlace> places;        // distinct located places, the most recent kTrackedPlaces
  std::string far_apart;                // detail of the first far-apart pair seen ("" none)
  bool operator==(const ScanSummary&) const = default;
};

// A stable 64-bit key of a consumer id (FNV-1a), stored in summaries.
uint64_t consumer_key(std::string_view consumer_id);

// Adds scan `scan_id` (`f`) to the summary; with `location_only`, `f` is the location that came
// later for the already counted scan `scan_id` (its at_ms is the scan's).
void fold_scan(ScanSummary& s, std::string_view scan_id, const ScanFact& f, bool location_only,
               const ScanThresholds& t = {});

// The signals of a code from its summary (pure; equal to the reference computation over the same
// scans, see tests/core/public/scan_signals_test.cpp: the far-apart detail names the first pair
// seen in arrival order, the after-sold detail the earliest place scanned after the sale).
ScanSignals scan_signals(const ScanSummary& s, const std::optional<SoldAt>& sold,
                         const ScanThresholds& t = {});

}  // namespace agritrace::core
