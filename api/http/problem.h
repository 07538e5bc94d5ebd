// RFC 9457 problem details (application/problem+json): the one error shape of the API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/http/http_types.h"
#include "core/base/status.h"

namespace agritrace::api {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kProblemTypeBase = "https://agritrace.dev/problems/";

// Body: {"type":"https://agritrace.dev/problems/<code>","title":<reason phrase of status>,
//        "status":N,"detail":message,"code":code[,"field":field]}
// "field" (our extension member) is omitted when empty: it names the offending input only when
// one input caused the problem.
HttpResponse problem_response(int32_t status, std::string_view code, std::string_view message,
                              std::string_view field = {});

// kInvalidArgument 422, kNotFound 404, kConflict 409, kUnauthenticated 401,
// kPermissionDenied 403, kUnavailable 503, kTooLarge 413, kTimeout 504, others 500.
int32_t http_status_for(ErrorCode code);

// Uses error.reason as the problem code (error_code_name() when the reason is empty). The status
// is http_status_for(error.code), except kIoError `disk_full`: 507 Insufficient Storage.
HttpResponse problem_from_error(const Error& error);

// `in` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD, so a
// problem that echoes client input (a path, a query value) is still valid JSON text.
std::string valid_utf8(std::string_view in);

// Standard reason phrase ("Not Found"); "Unknown" for codes we never send.
std::string_view http_reason_phrase(int32_t status);

}  // namespace agritrace::api
