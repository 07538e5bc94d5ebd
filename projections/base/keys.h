// Key layout of the views database. Every view key starts with its view name and the tenant, so
// a tenant's records are contiguous and no query can wander into another tenant's keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "projections/base/view_kind.h"

namespace agritrace::projections {

// "po-12" -> "po-000000000012": numeric ids sort in creation order inside RocksDB.
std::string sort_id(std::string_view id);

// The inverse: "po-000000000012" -> "po-12" (the id clients see and send back).
std::string unsort_id(std::string_view sid);

// unsort_id on the stack, for writing an id into an answer at once (a big recall writes
// thousands): view() lives as long as this object.
class UnsortedId {
 public:
  explicit UnsortedId(std::string_view sid);
  std::string_view view() const { return long_.empty() ? std::string_view(buf_, size_) : long_; }

 private:
  char buf_[48];
  size_t size_ = 0;
  std::string long_;  // an id longer than buf_ (none the platform makes)
};

// prefix/tenant/part1[/part2], the prefix being the kind's (projections/base/view_kind.h). Areas
// name their keys through their key modules (projections/<area>/keys.h).
std::string view_key(ViewKind kind, std::string_view tenant, std::string_view part1 = {},
                     std::string_view part2 = {});

// The typed key builder of one view kind (each area names its kinds in projections/<area>/keys.h):
// key(tenant) is the prefix of a tenant's records ("so/T/"), key(tenant, a[, b]) a record's key.
template <ViewKind Kind>
struct ViewKey {
  std::string operator()(std::string_view tenant, std::string_view part1 = {},
                         std::string_view part2 = {}) const {
    return view_key(Kind, tenant, part1, part2);
  }
};

// Splices two JSON objects: {"a":1} + {"b":2} -> {"a":1,"b":2}. Both must be objects.
std::string merge_json_objects(std::string_view a, std::string_view b);

// The string value of a top-level field of a JSON object, if present.
std::optional<std::string> json_string_field(std::string_view json, std::string_view key);

// A quantity field {"amount":N,"unit":"g"} of a JSON object, if present.
struct QuantityField {
  int64_t amount = 0;
  std::string unit;
};
std::optional<QuantityField> json_quantity_field(std::string_view json, std::string_view key);

}  // namespace agritrace::projections
