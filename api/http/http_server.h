// HttpServer: an asynchronous HTTP/1.1 server (Beast) behind a plain interface. Beast/Asio are
// included only in http_server.cpp, so including this header costs nothing.
//
// Model: N I/O threads share one io_context; each connection runs on its own strand and has at
// most one request in flight (keep-alive, no pipelining). The Handler runs on an I/O thread and
// may call its Responder later from any thread: the write is posted back to the connection's
// strand, and the pending Responder keeps the connection alive.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http/http_types.h"
#include "core/base/status.h"
#include "core/base/env.h"

namespace agritrace::api {

namespace detail {
struct HttpServerImpl;  // defined in http_server.cpp, the only place that sees Beast
}  // namespace detail

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port", "[v6]:port"; port 0 → ephemeral
  int32_t threads = 2;
  uint64_t max_body_bytes = 1024 * 1024;  // over → 413 problem, then the connection is closed
  uint32_t max_header_bytes = 16 * 1024;  // over → 431 problem, then the connection is closed
  // Reading a request (including the wait for the next one on a keep-alive connection) and
  // writing a response must each finish within this time, else the connection is closed.
  std::chrono::milliseconds idle_timeout{30000};
  // stop() waits this long for in-flight requests to be answered before closing them.
  std::chrono::milliseconds shutdown_grace{5000};
  // Draws the per-server request-id prefix (null: the POSIX Env). Timeouts are Asio timers.
  Env* env = nullptr;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. kInvalidArgument for a malformed address,
  // kUnavailable (reason "address_in_use", "listen_failed") when the socket cannot be bound.
  Status start();

  // The bound port (the ephemeral one when listen used port 0); 0 before start().
  uint16_t port() const;

  // Graceful stop, first half (non-blocking apart from closing the listener): stop accepting
  // (new connections are refused once this returns), close idle connections; connections with a
  // request in flight close right after their response is written.
  void begin_stop();

  // begin_stop(), then wait up to shutdown_grace for in-flight requests, close whatever is
  // left and join the threads. Idempotent. Must not be called from a handler (I/O thread).
  // Responders called after stop() are ignored.
  void stop();

  // Connections currently open (diagnostics and tests).
  size_t open_connections() const;

 private:
  std::shared_ptr<detail::HttpServerImpl> impl_;  // shared: Responders held by other threads keep it alive
};

}  // namespace agritrace::api
