// Status and Result: expected failures as values (LevelDB style). Exceptions are for bugs only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace agritrace {

// Broad error classes; the API maps each to one HTTP status.
enum class ErrorCode : uint8_t {
  kInvalidArgument,   // 422 (400 for malformed syntax, chosen by the API layer)
  kNotFound,          // 404
  kConflict,          // 409: state does not allow the command (already exists, over-consumption...)
  kUnauthenticated,   // 401
  kPermissionDenied,  // 403
  kUnavailable,       // 503: ledger/broker not reachable
  kTooLarge,          // 413
  kTimeout,           // 504
  kIoError,           // 500
  kCorruption,        // 500: ledger bytes or hash chain broken
  kInternal,          // 500
};

const char* error_code_name(ErrorCode code);

// One failure: a class, a stable machine-readable reason ("uscc_check_failed"), a human message
// and, when one input caused it, the JSON path of that input ("supplier.uscc").
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string reason;
  std::string message;
  std::string field;
  // Extra members for the API's problem document, as JSON object members without braces
  // (e.g. "\"codes\":[...]" listing every refused trace code of a scan). Usually empty.
  std::string details_json = {};
};

inline Error make_error(ErrorCode code, std::string reason, std::string message,
                        std::string field = {}) {
  return Error{code, std::move(reason), std::move(message), std::move(field)};
}

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  const Error& error() const { return error_; }
  std::string to_string() const;

 private:
  Error error_;
  bool ok_ = true;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  Result(Status status) : v_(status.error()) {}  // NOLINT: only from a failed Status
  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status::Ok() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace agritrace
