#include "core/base/rule_errors.h"

#include <charconv>

namespace agritrace::core {

void observe_id(int64_t& counter, std::string_view id, std::string_view prefix) {
  int64_t n = 0;
  if (id.starts_with(prefix)) {
    const std::string_view digits = id.substr(prefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n < 0) n = 0;
  }
  counter = n > counter ? n : counter + (n == 0 ? 1 : 0);
}


Status required_text(std::string_view value, std::string_view field, size_t max_bytes) {
  if (is_blank(value)) {
    return invalid("value_required", std::string(field) + " is required", std::string(field));
  }
  if (value.size() > max_bytes) {
    return invalid("value_too_long",
                   std::string(field) + " exceeds " + std::to_string(max_bytes) + " bytes",
                   std::string(field));
  }
  return Status::Ok();
}

Status optional_text(std::string_view value, std::string_view field, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return invalid("value_too_long",
                   std::string(field) + " exceeds " + std::to_string(max_bytes) + " bytes",
                   std::string(field));
  }
  return Status::Ok();
}

}  // namespace agritrace::core
