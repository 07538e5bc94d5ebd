#include "api/http/problem.h"

#include <string>

#include "core/base/json_writer.h"

namespace agritrace::api {

std::string valid_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    // The sequence length a lead byte announces, and the smallest code point of that length.
    const size_t len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : len == 4 ? 0x10000 : 0;
    bool ok = len > 0 && i + len <= in.size();
    uint32_t cp = len == 1 ? b : (b & (0x7F >> len));
    for (size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(in[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (ok && len > 1) ok = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER, one per bad byte
      ++i;
    }
  }
  return out;
}

std::string_view http_reason_phrase(int32_t status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";  // RFC 9110 §15.5.14
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";  // RFC 9110 §15.5.21
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 507: return "Insufficient Storage";  // RFC 4918 §11.5
    default: return "Unknown";
  }
}

HttpResponse problem_response(int32_t status, std::string_view code, std::string_view message,
                              std::string_view field) {
  std::string type(kProblemTypeBase);
  type += valid_utf8(code);
  JsonWriter w;
  w.begin_object()
      .field("type", type)
      .field("title", http_reason_phrase(status))
      .field("status", status)
      .field("detail", valid_utf8(message))
      .field("code", valid_utf8(code));
  if (!field.empty()) w.field("field", valid_utf8(field));
  w.end_object();
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kProblemContentType);
  r.body = w.take();
  return r;
}

int32_t http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 422;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kTimeout: return 504;
    case ErrorCode::kIoError:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

HttpResponse problem_from_error(const Error& error) {
  // Both arms must be string_views: a `const char* : std::string` ternary yields a temporary.
  std::string_view code = error.reason.empty() ? std::string_view(error_code_name(error.code))
                                               : std::string_view(error.reason);
  // A full disk is the one I/O failure the client can tell apart (507: the server could not store
  // the representation; retrying later may work). Other I/O failures stay 500.
  const int32_t status =
      error.code == ErrorCode::kIoError && error.reason == "disk_full" ? 507 : http_status_for(error.code);
  HttpResponse resp = problem_response(status, code, error.message, error.field);
  // Back-pressure (the writer's queue is full): the client should come back soon, not give up.
  if (error.reason == "writer_queue_full") resp.headers.emplace_back("Retry-After", "1");
  // Several nodes (issue 17): the partition moved to another node; the client retries (any node).
  if (error.reason == "partition_not_owned") resp.headers.emplace_back("Retry-After", "1");
  if (!error.details_json.empty() && !resp.body.empty() && resp.body.back() == '}') {
    resp.body.pop_back();
    resp.body += ",";
    resp.body += error.details_json;
    resp.body += "}";
  }
  return resp;
}

}  // namespace agritrace::api
