// What every decider shares: the shapes of a refusal: an invalid value (422), a missing referenced
// entity (404) or a state that does not allow the command (409), each with a stable reason and
// the field path of the offending input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"

// Returns the error of a failed Status from the enclosing decider.
#define AGRITRACE_RETURN_IF_ERROR(expr)   \
  do {                                    \
    if (Status s_ = (expr); !s_.ok()) {   \
      return s_.error();                  \
    }                                     \
  } while (false)

namespace agritrace::core {

inline Error invalid(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message), std::move(field));
}
inline Error not_found(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kNotFound, std::move(reason), std::move(message), std::move(field));
}
inline Error conflict(std::string reason, std::string message, std::string field = {}) {
  return make_error(ErrorCode::kConflict, std::move(reason), std::move(message), std::move(field));
}
// The id after the tenant's last one of a kind: "po-" and 11 -> "po-12".
inline std::string next_id(std::string_view prefix, int64_t last) {
  return std::string(prefix) + std::to_string(last + 1);
}

// Folding an id: the counter follows the highest number seen, so that replaying any stored
// history (even one with gaps or foreign ids) never hands out an id twice.
void observe_id(int64_t& counter, std::string_view id, std::string_view prefix);

// Folding an amount: a forged event with a huge amount must not overflow (UB).
inline void saturating_add(int64_t& into, int64_t v) {
  if (__builtin_add_overflow(into, v, &into)) into = v > 0 ? INT64_MAX : INT64_MIN;
}

// Free text a command must carry: not blank, at most max_bytes of UTF-8 (422 value_required,
// value_too_long).
Status required_text(std::string_view value, std::string_view field, size_t max_bytes);
// Free text a command may carry: at most max_bytes of UTF-8 (422 value_too_long).
Status optional_text(std::string_view value, std::string_view field, size_t max_bytes);

inline bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace agritrace::core
