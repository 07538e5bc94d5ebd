// JsonInput: reads a JSON request body field by field with precise errors: malformed JSON (400
// malformed_json), a missing field (422 field_required), a wrong type (422 type_mismatch), a too
// long string (422 too_long) and a field the endpoint does not know (422 unknown_field) each name
// the offending field's path ("quantity.unit").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace agritrace::api {

class JsonInput {
 public:
  // Parses a body that must be one JSON object.
  static Result<JsonInput> parse(std::string_view body);

  Result<std::string> str(std::string_view key, size_t max_bytes = 256) const;
  Result<std::string> opt_str(std::string_view key, size_t max_bytes = 256) const;  // absent -> ""
  Result<int64_t> i64(std::string_view key) const;
  bool has(std::string_view key) const;
  Result<JsonInput> object(std::string_view key) const;
  Result<std::vector<std::string>> str_array(std::string_view key, size_t max_items = 16) const;
  // An array of objects; each item's errors name its path ("counts[1].counted.amount").
  Result<std::vector<JsonInput>> object_array(std::string_view key, size_t max_items = 16) const;
  const std::string& path() const { return path_; }
  // Fails with unknown_field on the first key not in `known`.
  Status only(std::initializer_list<std::string_view> known) const;

  JsonInput(JsonInput&&) noexcept;
  JsonInput& operator=(JsonInput&&) noexcept;
  ~JsonInput();

 private:
  struct Impl;
  JsonInput(std::shared_ptr<Impl> impl, const void* element, std::string path);
  std::string path_of(std::string_view key) const;
  std::shared_ptr<Impl> impl_;
  const void* element_;  // the simdjson object this input reads
  std::string path_;     // JSON path prefix of this object ("" at the top)
};

}  // namespace agritrace::api
