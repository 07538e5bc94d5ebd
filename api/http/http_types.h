// Plain HTTP request/response values shared by the server, the client, the router and handlers.
// Deliberately free of Boost: only api/http/http_server.cpp and api/http/http_client.cpp include Beast/Asio,
// so the rest of the product compiles fast on 2 cores.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"

namespace agritrace::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestContext;  // api/http/principal.h: who is calling, set by the router's guard

// Case-insensitive header lookup (RFC 9110 §5.1: field names are case-insensitive).
// Returns the first matching value; the view points into `headers`.
std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // raw request-target, e.g. "/v1/batches/B%2F1?limit=10"
  // Path part of `target`, NOT percent-decoded: decoding before splitting would turn an encoded
  // "%2F" inside a lot code into a separator. Use split_path() for decoded segments.
  std::string path;
  HeaderList query;  // query parameters, percent-decoded ('+' means space), in order
  HeaderList headers;
  std::string body;
  std::string remote_address;  // "ip:port" of the peer
  std::string request_id;      // also sent back as X-Request-Id; for logs
  std::shared_ptr<RequestContext> context;  // set by the router's guard before the handler runs

  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
  // First value of a query parameter (exact, case-sensitive name).
  std::optional<std::string_view> query_param(std::string_view name) const;
};

struct HttpResponse {
  int32_t status = 200;
  std::string content_type;  // empty: no Content-Type header
  HeaderList headers;        // extra headers (Content-Length is always computed)
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

// The server calls the Handler on one of its I/O threads; the handler (or anything it hands the
// Responder to) must call the Responder exactly once, from any thread, now or later.
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest, Responder)>;

// Percent-decodes `s` (RFC 3986 §2.1). With plus_as_space, '+' becomes ' ' (HTML form encoding,
// used in query strings). Malformed escapes ("%4", "%zz") → kInvalidArgument.
Result<std::string> percent_decode(std::string_view s, bool plus_as_space = false);

// Percent-encodes everything except RFC 3986 unreserved characters.
std::string percent_encode(std::string_view s);

// "/v1/batches/B%2F1/" → {"v1", "batches", "B/1", ""}; the leading '/' is skipped, each segment
// is decoded on its own, a trailing '/' gives a final empty segment. "/" → {""}.
Result<std::vector<std::string>> split_path(std::string_view raw_path);

// Splits a request-target into the raw path and the decoded query parameters.
struct ParsedTarget {
  std::string path;
  HeaderList query;
};
Result<ParsedTarget> parse_target(std::string_view target);

// The headers every answer carries (the server adds them before writing): nosniff on all; on
// HTML answers a Content-Security-Policy (default-src 'self', no framing), a Referrer-Policy and
// X-Frame-Options; with `hsts` (the server speaks TLS) Strict-Transport-Security. A header the
// handler set itself is kept.
void add_security_headers(HttpResponse& res, bool hsts);

inline constexpr std::string_view kHtmlContentSecurityPolicy =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
inline constexpr std::string_view kHstsValue = "max-age=31536000";

// A JSON response with the right content type.
HttpResponse json_response(int32_t status, std::string body);
HttpResponse text_response(int32_t status, std::string body);

}  // namespace agritrace::api
