#include "core/base/status.h"

namespace agritrace {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kIoError: return "io_error";
    case ErrorCode::kCorruption: return "corruption";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok_) return "OK";
  std::string s = error_code_name(error_.code);
  s += ": ";
  s += error_.reason;
  if (!error_.message.empty()) s += ": " + error_.message;
  if (!error_.field.empty()) s += " (field " + error_.field + ")";
  return s;
}

}  // namespace agritrace
