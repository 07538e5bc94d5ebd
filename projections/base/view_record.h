// A view value parsed to read its fields (queries only). Parsers come from a per-thread pool, so a
// query that reads thousands of records allocates none after the first few.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace agritrace::projections {

class ViewRecord {
 public:
  explicit ViewRecord(std::string_view json);
  ~ViewRecord();
  ViewRecord(const ViewRecord&) = delete;
  ViewRecord& operator=(const ViewRecord&) = delete;

  std::string str(const char* key) const;                       // "" when absent
  int64_t num(const char* key, int64_t fallback = 0) const;
  int64_t amount(const char* key) const;                        // key.amount, 0 when absent
  std::string unit(const char* key) const;                      // key.unit, "piece" when absent

  simdjson::dom::element root;
  bool ok = false;

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
};

}  // namespace agritrace::projections
