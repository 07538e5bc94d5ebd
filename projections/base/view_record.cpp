#include "projections/base/view_record.h"

#include <vector>

namespace agritrace::projections {
namespace {

// Parsers not in use by a live record of this thread (records nest, so one is not enough).
thread_local std::vector<std::unique_ptr<simdjson::dom::parser>> free_parsers;

}  // namespace

ViewRecord::ViewRecord(std::string_view json) {
  if (free_parsers.empty()) {
    parser_ = std::make_unique<simdjson::dom::parser>();
  } else {
    parser_ = std::move(free_parsers.back());
    free_parsers.pop_back();
  }
  ok = !parser_->parse(json.data(), json.size()).get(root);
}

ViewRecord::~ViewRecord() {
  if (free_parsers.size() < 16) free_parsers.push_back(std::move(parser_));
}

std::string ViewRecord::str(const char* key) const {
  std::string_view v;
  if (!ok || root[key].get_string().get(v)) return {};
  return std::string(v);
}

int64_t ViewRecord::num(const char* key, int64_t fallback) const {
  int64_t v = 0;
  if (!ok || root[key].get_int64().get(v)) return fallback;
  return v;
}

int64_t ViewRecord::amount(const char* key) const {
  int64_t v = 0;
  if (!ok || root[key]["amount"].get_int64().get(v)) return 0;
  return v;
}

std::string ViewRecord::unit(const char* key) const {
  std::string_view v;
  if (!ok || root[key]["unit"].get_string().get(v)) return "piece";
  return std::string(v);
}

}  // namespace agritrace::projections
