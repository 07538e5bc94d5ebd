#include "api/http/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace agritrace::api {

namespace {

// Label values escape \, " and newline; HELP text escapes \ and newline (format 0.0.4).
void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

void append_header(std::string& out, const std::string& name, const std::string& help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

// {a="x",b="y"} with an optional extra label (le for buckets); nothing when there are no labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const LabelValues& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) out.push_back(',');
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void check_arity(const std::string& name, const std::vector<std::string>& names,
                 const LabelValues& values) {
  if (names.size() != values.size()) {
    throw std::invalid_argument("metric " + name + ": expected " + std::to_string(names.size()) +
                                " label values, got " + std::to_string(values.size()));
  }
}

}  // namespace

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,  0.1,    0.25,  0.5,
                                               1,      2.5,   5,      10};
  return kBuckets;
}

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  // Plain decimals ("0.0005", not "5e-04") in the usual range, like the official clients; the
  // shortest form that round-trips either way.
  double mag = std::fabs(v);
  auto fmt = (mag == 0 || (mag >= 1e-6 && mag < 1e15)) ? std::chars_format::fixed
                                                       : std::chars_format::general;
  auto res = std::to_chars(buf, buf + sizeof(buf), v, fmt);
  return std::string(buf, res.ptr);
}

// ---- Counter ----

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Counter::inc(const LabelValues& labels, double by) {
  check_arity(name_, label_names_, labels);
  std::lock_guard lock(mu_);
  series_[labels] += by;
}

double Counter::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0.0 : it->second;
}

void Counter::render(std::string& out) const {
  append_header(out, name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [labels, value] : series_) {
    out += name_;
    append_labels(out, label_names_, labels);
    out.push_back(' ');
    out += format_metric_value(value);
    out.push_back('\n');
  }
}

// ---- Histogram ----

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {
  if (!std::is_sorted(buckets_.begin(), buckets_.end())) {
    throw std::invalid_argument("histogram " + name_ + ": buckets must be ascending");
  }
  for (const auto& n : label_names_) {
    if (n == "le") throw std::invalid_argument("histogram " + name_ + ": label 'le' is reserved");
  }
}

void Histogram::observe(const LabelValues& labels, double value) {
  check_arity(name_, label_names_, labels);
  // First bucket whose upper bound is >= value (le is inclusive); past the end means +Inf only.
  size_t idx = static_cast<size_t>(
      std::lower_bound(buckets_.begin(), buckets_.end(), value) - buckets_.begin());
  std::lock_guard lock(mu_);
  Series& s = series_[labels];
  if (s.bucket_counts.empty()) s.bucket_counts.assign(buckets_.size(), 0);
  if (idx < buckets_.size()) ++s.bucket_counts[idx];
  ++s.count;
  s.sum += value;
}

uint64_t Histogram::count(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

double Histogram::sum(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0.0 : it->second.sum;
}

void Histogram::render(std::string& out) const {
  append_header(out, name_, help_, "histogram");
  std::lock_guard lock(mu_);
  for (const auto& [labels, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += s.bucket_counts[i];
      out += name_;
      out += "_bucket";
      append_labels(out, label_names_, labels, "le", format_metric_value(buckets_[i]));
      out.push_back(' ');
      out += std::to_string(cumulative);
      out.push_back('\n');
    }
    out += name_;
    out += "_bucket";
    append_labels(out, label_names_, labels, "le", "+Inf");
    out.push_back(' ');
    out += std::to_string(s.count);
    out.push_back('\n');
    out += name_;
    out += "_sum";
    append_labels(out, label_names_, labels);
    out.push_back(' ');
    out += format_metric_value(s.sum);
    out.push_back('\n');
    out += name_;
    out += "_count";
    append_labels(out, label_names_, labels);
    out.push_back(' ');
    out += std::to_string(s.count);
    out.push_back('\n');
  }
}

// ---- Registry ----

struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> gauge;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  for (auto& e : entries_) {
    if (e->name != name) continue;
    if (!e->counter || e->counter->label_names_ != label_names) {
      throw std::invalid_argument("metric " + name + " already registered differently");
    }
    return *e->counter;
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->counter.reset(new Counter(name, help, std::move(label_names)));
  Counter& c = *e->counter;
  entries_.push_back(std::move(e));
  return c;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  for (auto& e : entries_) {
    if (e->name != name) continue;
    if (!e->histogram || e->histogram->label_names_ != label_names ||
        e->histogram->buckets_ != buckets) {
      throw std::invalid_argument("metric " + name + " already registered differently");
    }
    return *e->histogram;
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->histogram.reset(new Histogram(name, help, std::move(label_names), std::move(buckets)));
  Histogram& h = *e->histogram;
  entries_.push_back(std::move(e));
  return h;
}

void MetricsRegistry::gauge_callback(const std::string& name, const std::string& help,
                                     std::function<double()> fn) {
  std::lock_guard lock(mu_);
  for (auto& e : entries_) {
    if (e->name == name) throw std::invalid_argument("metric " + name + " already registered");
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->gauge = std::move(fn);
  entries_.push_back(std::move(e));
}

std::string MetricsRegistry::render() const {
  // Entries are never removed, so raw pointers taken under the lock stay valid; gauges run with
  // no registry lock held.
  std::vector<const Entry*> entries;
  {
    std::lock_guard lock(mu_);
    for (const auto& e : entries_) entries.push_back(e.get());
  }
  std::string out;
  for (const Entry* e : entries) {
    if (e->counter) {
      e->counter->render(out);
    } else if (e->histogram) {
      e->histogram->render(out);
    } else {
      append_header(out, e->name, e->help, "gauge");
      out += e->name;
      out.push_back(' ');
      double v;
      try {
        v = e->gauge();
      } catch (...) {
        v = std::nan("");  // a failing gauge must not break the whole scrape
      }
      out += format_metric_value(v);
      out.push_back('\n');
    }
  }
  return out;
}

HttpResponse metrics_response(const MetricsRegistry& registry) {
  HttpResponse r;
  r.content_type = std::string(MetricsRegistry::kContentType);
  r.body = registry.render();
  return r;
}

}  // namespace agritrace::api
