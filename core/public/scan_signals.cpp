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
        const auto name = [](const ScanFact& f) {
          return f.city.empty() ? std::string("未知城市") : f.city;
        };
        warn(ScanWarning::kFarApart,
             fmt::format("{} 与 {} 相距 {} km，间隔 {} 分钟", name(scans[i]), name(scans[j]),
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
      // The region names the province and usually the city ("广东省东莞市"); a scan in a city the
      // region does not name, far from every city it names, is elsewhere.
      if (sold->region.find(f.city) != std::string::npos) continue;
      bool near = false;
      for (const City& c : kCities) {
        if (sold->region.find(c.name) == std::string::npos || !f.location) continue;
        near = near || km(f.location->lat_e1 / 10.0, f.location->lon_e1 / 10.0, c.lat, c.lon) <
                           t.far_km / 3;
      }
      bool region_has_city = false;
      for (const City& c : kCities)
        region_has_city = region_has_city || sold->region.find(c.name) != std::string::npos;
      if (!near && region_has_city) {
        warn(ScanWarning::kAfterSoldElsewhere,
             fmt::format("售出地 {}，扫描地 {}", sold->region, f.city));
        break;
      }
    }
  }
  return s;
}

}  // namespace agritrace::core
