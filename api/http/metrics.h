// A tiny thread-safe Prometheus registry: labelled counters and histograms, plus gauges computed
// at scrape time, rendered in the text exposition format 0.0.4.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"

namespace agritrace::api {

using LabelValues = std::vector<std::string>;

// Seconds: 0.5 ms … 10 s.
const std::vector<double>& default_latency_buckets();

// Handles are owned by the registry and stay valid for its lifetime. Every metric has a fixed
// list of label names; passing a different number of values is a programming error (throws
// std::invalid_argument).
class Counter {
 public:
  void inc(const LabelValues& labels = {}, double by = 1.0);
  double value(const LabelValues& labels = {}) const;

 private:
  friend class MetricsRegistry;
  Counter(std::string name, std::string help, std::vector<std::string> label_names);
  void render(std::string& out) const;

  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, double> series_;
};

class Histogram {
 public:
  void observe(const LabelValues& labels, double value);
  uint64_t count(const LabelValues& labels) const;
  double sum(const LabelValues& labels) const;

 private:
  friend class MetricsRegistry;
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> buckets);
  void render(std::string& out) const;

  struct Series {
    std::vector<uint64_t> bucket_counts;  // per bucket, NOT cumulative; cumulated when rendered
    uint64_t count = 0;
    double sum = 0;
  };
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;  // upper bounds, ascending; +Inf is implicit
  mutable std::mutex mu_;
  std::map<LabelValues, Series> series_;
};

class MetricsRegistry {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registering an existing name again with the same kind and labels returns the same metric
  // (so several components can share one); a mismatch throws std::invalid_argument.
  Counter& counter(const std::string& name, const std::string& help,
                   std::vector<std::string> label_names = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<std::string> label_names,
                       std::vector<double> buckets = default_latency_buckets());
  // Evaluated at every render(), without the registry lock held (it may take its own locks).
  void gauge_callback(const std::string& name, const std::string& help,
                      std::function<double()> fn);

  // Text exposition format 0.0.4, metrics in registration order, series sorted by labels.
  std::string render() const;

 private:
  struct Entry;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// GET /metrics answer.
HttpResponse metrics_response(const MetricsRegistry& registry);

// Formats a sample value the way Prometheus parses it ("+Inf", "NaN", shortest round-trip).
std::string format_metric_value(double v);

}  // namespace agritrace::api
