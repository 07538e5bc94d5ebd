#include "core/public/scan_signals.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace agritrace::core {
namespace {

struct City {
  std::string_view name;
  double lat, lon;
};

// Prefecture-level cities of Guangdong (all 21) and other large cities; centre coordinates.
constexpr std::array<City, 41> kCities = {{
    {"广州市", 23.13, 113.26}, {"深圳市", 22.54, 114.06},   {"珠海市", 22.27, 113.58},
    {"汕头市", 23.35, 116.68}, {"佛山市", 23.02, 113.12},   {"韶关市", 24.81, 113.60},
    {"湛江市", 21.27, 110.36}, {"肇庆市", 23.05, 112.47},   {"江门市", 22.58, 113.08},
    {"茂名市", 21.66, 110.93}, {"惠州市", 23.11, 114.42},   {"梅州市", 24.29, 116.12},
    {"汕尾市", 22.79, 115.38}, {"河源市", 23.74, 114.70},   {"阳江市", 21.86, 111.98},
    {"清远市", 23.68, 113.06}, {"东莞市", 23.02, 113.75},   {"中山市", 22.52, 113.39},
    {"潮州市", 23.66, 116.62}, {"揭阳市", 23.55, 116.37},   {"云浮市", 22.92, 112.04},
    {"北京市", 39.90, 116.41}, {"上海市", 31.23, 121.47},   {"天津市", 39.13, 117.20},
    {"重庆市", 29.56, 106.55}, {"杭州市", 30.27, 120.16},   {"南京市", 32.06, 118.80},
    {"武汉市", 30.59, 114.31}, {"成都市", 30.57, 104.07},   {"西安市", 34.34, 108.94},
    {"长沙市", 28.23, 112.94}, {"郑州市", 34.75, 113.63},   {"济南市", 36.65, 117.12},
    {"福州市", 26.07, 119.30}, {"厦门市", 24.48, 118.09},   {"南宁市", 22.82, 108.32},
    {"昆明市", 25.04, 102.71}, {"海口市", 20.04, 110.20},   {"南昌市", 28.68, 115.86},
    {"沈阳市", 41.81, 123.43}, {"哈尔滨市", 45.80, 126.53},
}};

double km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 6371.0 * 2 * std::atan2(std::sqrt(a), std::sqrt(1 - a));
}

// A scan in `city` (at `location`) is elsewhere than the sale: the region names the province and
// usually the city ("广东省东莞市"); a scan in a city the region does not name, far from every city
// it names, is elsewhere.
bool sold_elsewhere(const SoldAt& sold, std::string_view city,
                    const std::optional<CoarseLocation>& location, const ScanThresholds& t) {
  if (sold.region.find(city) != std::string::npos) return false;
  bool near = false;
  bool region_has_city = false;
  for (const City& c : kCities) {
    if (sold.region.find(c.name) == std::string::npos) continue;
    region_has_city = true;
    if (!location) continue;
    near = near || km(location->lat_e1 / 10.0, location->lon_e1 / 10.0, c.lat, c.lon) <
                       t.far_km / 3;
  }
  return !near && region_has_city;
}

std::string place_name(std::string_view city) {
  return city.empty() ? std::string("未知城市") : std::string(city);
}

}  // namespace

std::optional<CoarseLocation> coarse_location(double lat, double lon) {
  if (!std::isfinite(lat) || !std::isfinite(lon) || lat < -90 || lat > 90 || lon < -180 ||
      lon > 180) {
    return std::nullopt;
  }
  return CoarseLocation{static_cast<int32_t>(std::lround(lat * 10)),
                        static_cast<int32_t>(std::lround(lon * 10))};
}

double distance_km(const CoarseLocation& a, const CoarseLocation& b) {
  return km(a.lat_e1 / 10.0, a.lon_e1 / 10.0, b.lat_e1 / 10.0, b.lon_e1 / 10.0);
}

std::string_view city_of(const CoarseLocation& at) {
  std::string_view best;
  double best_km = 60;
  for (const City& c : kCities) {
    const double d = km(at.lat_e1 / 10.0, at.lon_e1 / 10.0, c.lat, c.lon);
    if (d < best_km) {
      best_km = d;
      best = c.name;
    }
  }
  return best;
}

std::string_view scan_warning_name(ScanWarning w) {
  switch (w) {
    case ScanWarning::kFarApart:
      return "far_apart";
    case ScanWarning::kManyScans:
      return "many_scans";
    case ScanWarning::kAfterSoldElsewhere:
      return "after_sold_elsewhere";
  }
  return "";
}

std::string_view scan_warning_zh(ScanWarning w) {
  switch (w) {
    case ScanWarning::kFarApart:
      return "此码短时间内在相距很远的城市被扫描，可能被复制";
    case ScanWarning::kManyScans:
      return "此码被扫描次数异常多，可能被复制";
    case ScanWarning::kAfterSoldElsewhere:
      return "此码对应商品已在别处售出，此次扫描地点与售出地不符";
  }
  return "";
}

ScanSignals scan_signals(std::vector<ScanFact> scans, const std::optional<SoldAt>& sold,
                         const ScanThresholds& t) {
  std::stable_sort(scans.begin(), scans.end(),
                   [](const ScanFact& a, const ScanFact& b) { return a.at_ms < b.at_ms; });
  ScanSignals s;
  s.count = static_cast<int64_t>(scans.size());
  if (scans.empty()) return s;
  s.first = scans.front();
  std::set<std::string> consumers;
  for (const ScanFact& f : scans) consumers.insert(f.consumer_id);
  s.consumers = static_cast<int64_t>(consumers.size());
  auto warn = [&s](ScanWarning w, std::string detail) {
    if (std::find(s.warnings.begin(), s.warnings.end(), w) != s.warnings.end()) return;
    s.warnings.push_back(w);
    if (s.detail.empty()) s.detail = std::move(detail);
  };
  // Far apart: any two located scans within the window (sorted, so a sliding pair check).
  for (size_t i = 0; i < scans.size(); ++i) {
    if (!scans[i].location) continue;
    for (size_t j = i + 1; j < scans.size() && scans[j].at_ms - scans[i].at_ms <= t.far_within_ms;
         ++j) {
      if (!scans[j].location) continue;
      const double d = distance_km(*scans[i].location, *scans[j].location);
      if (d >= t.far_km) {
        warn(ScanWarning::kFarApart,
             fmt::format("{} 与 {} 相距 {} km，间隔 {} 分钟", place_name(scans[i].city),
                         place_name(scans[j].city),
                         std::lround(d), (scans[j].at_ms - scans[i].at_ms) / 60'000));
        break;
      }
    }
  }
  if (s.count >= t.many_scans || s.consumers >= t.many_consumers) {
    warn(ScanWarning::kManyScans, fmt::format("共扫描 {} 次，{} 位消费者", s.count, s.consumers));
  }
  if (sold && !sold->region.empty()) {
    for (const ScanFact& f : scans) {
      if (f.at_ms < sold->at_ms || f.city.empty()) continue;
      if (sold_elsewhere(*sold, f.city, f.location, t)) {
        warn(ScanWarning::kAfterSoldElsewhere,
             fmt::format("售出地 {}，扫描地 {}", sold->region, f.city));
        break;
      }
    }
  }
  return s;
}

uint64_t consumer_key(std::string_view consumer_id) {
  uint64_t h = 14695981039346656037ull;
  for (char c : consumer_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

void fold_scan(ScanSummary& s, std::string_view scan_id, const ScanFact& f, bool location_only,
               const ScanThresholds& t) {
  if (!location_only) {
    ++s.count;
    const uint64_t key = consumer_key(f.consumer_id);
    auto at = std::lower_bound(s.consumer_keys.begin(), s.consumer_keys.end(), key);
    if ((at == s.consumer_keys.end() || *at != key) &&
        s.consumer_keys.size() < kTrackedConsumers) {
      s.consumer_keys.insert(at, key);
      ++s.consumers;
    }
    // The earliest scan (ties: the first one seen, as a stable sort keeps it).
    if (!s.first || f.at_ms < s.first->at_ms) {
      s.first = f;
      s.first_scan_id = std::string(scan_id);
    }
    s.last_ms = std::max(s.last_ms, f.at_ms);
  } else if (s.first && s.first_scan_id == scan_id && !s.first->location) {
    s.first->location = f.location;
    s.first->city = f.city;
  }
  if (!f.location) return;
  // Far apart: this scan and the latest scan of any place within the window.
  if (s.far_apart.empty()) {
    for (const ScanPlace& p : s.places) {
      const int64_t gap = f.at_ms >= p.last_ms ? f.at_ms - p.last_ms : p.last_ms - f.at_ms;
      if (gap > t.far_within_ms) continue;
      const double d = distance_km(p.at, *f.location);
      if (d < t.far_km) continue;
      const bool place_first = p.last_ms <= f.at_ms;
      s.far_apart = fmt::format("{} 与 {} 相距 {} km，间隔 {} 分钟",
                                place_name(place_first ? p.city : f.city),
                                place_name(place_first ? f.city : p.city), std::lround(d),
                                gap / 60'000);
      break;
    }
  }
  auto same = std::find_if(s.places.begin(), s.places.end(),
                           [&](const ScanPlace& p) { return p.at == *f.location; });
  if (same != s.places.end()) {
    same->last_ms = std::max(same->last_ms, f.at_ms);
    return;
  }
  s.places.push_back({*f.location, f.city, f.at_ms});
  if (s.places.size() > kTrackedPlaces) {
    s.places.erase(std::min_element(
        s.places.begin(), s.places.end(),
        [](const ScanPlace& a, const ScanPlace& b) { return a.last_ms < b.last_ms; }));
  }
}

ScanSignals scan_signals(const ScanSummary& sum, const std::optional<SoldAt>& sold,
                         const ScanThresholds& t) {
  ScanSignals s;
  s.count = sum.count;
  s.consumers = sum.consumers;
  s.first = sum.first;
  if (sum.count == 0) return s;
  auto warn = [&s](ScanWarning w, std::string detail) {
    s.warnings.push_back(w);
    if (s.detail.empty()) s.detail = std::move(detail);
  };
  if (!sum.far_apart.empty()) warn(ScanWarning::kFarApart, sum.far_apart);
  if (s.count >= t.many_scans || s.consumers >= t.many_consumers) {
    warn(ScanWarning::kManyScans, fmt::format("共扫描 {} 次，{} 位消费者", s.count, s.consumers));
  }
  if (sold && !sold->region.empty()) {
    const ScanPlace* earliest = nullptr;
    for (const ScanPlace& p : sum.places) {
      if (p.last_ms < sold->at_ms || p.city.empty()) continue;
      if (earliest && earliest->last_ms <= p.last_ms) continue;
      if (sold_elsewhere(*sold, p.city, p.at, t)) earliest = &p;
    }
    if (earliest) {
      warn(ScanWarning::kAfterSoldElsewhere,
           fmt::format("售出地 {}，扫描地 {}", sold->region, earliest->city));
    }
  }
  return s;
}

}  // namespace agritrace::core
