// HttpClient: a small synchronous HTTP/1.1 client (tests, the demo CLI). Beast lives only in
// http_client.cpp. Not thread-safe: one request at a time per client object.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/http/http_types.h"
#include "core/base/status.h"

namespace agritrace::api {

struct HttpClientOptions {
  // Connect, write and read of one request must finish within this time (kTimeout otherwise).
  std::chrono::milliseconds timeout{10000};
  uint64_t max_body_bytes = 64ull * 1024 * 1024;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends one request on the kept-alive connection, opening one when needed. A connection the
  // server closed while idle is detected before sending and replaced; if a reused connection
  // fails before any response byte arrives, the request is retried once on a new connection,
  // but only when that is safe (idempotent method or an Idempotency-Key header).
  // Transport failures: kUnavailable (cannot connect / connection lost), kTimeout,
  // kTooLarge (response body over max_body_bytes), kInvalidArgument (bad response framing).
  // Any HTTP status, 4xx/5xx included, is a successful Result.
  Result<HttpResponse> request(std::string_view method, std::string_view target,
                               std::string_view body = {}, const HeaderList& headers = {});

  // Closes the connection (the next request opens a new one).
  void close();

  // TCP connections opened so far; lets tests prove keep-alive.
  uint64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ParsedUrl {
  std::string scheme;  // "http"
  std::string host;
  uint16_t port = 80;
  std::string target;  // path and query, "/" when absent
};

// "http://127.0.0.1:8080/v1/x?y=1" → {http, 127.0.0.1, 8080, /v1/x?y=1}. Only http is
// supported (TLS terminates in front of the product).
Result<ParsedUrl> parse_url(std::string_view url);

}  // namespace agritrace::api
