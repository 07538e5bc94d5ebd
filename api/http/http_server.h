// HttpServer: an asynchronous HTTP/1.1 server (Beast) behind a plain interface. Beast/Asio are
// included only in http_server.cpp, so including this header costs nothing.
//
// Model: N I/O threads share one io_context; each connection runs on its own strand and has at
// most one request in flight (keep-alive, no pipelining). The Handler runs on a bounded worker
// pool (HttpServerOptions::workers) and may call its Responder later from any thread: the write is
// posted back to the connection's strand, and the pending Responder keeps the connection alive.
// Optionally every connection speaks TLS (Beast ssl_stream over OpenSSL).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http/http_types.h"
#include "core/base/env.h"
#include "core/base/status.h"

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

  // TLS (both set: every connection speaks TLS 1.2 or 1.3 only, and every answer carries
  // Strict-Transport-Security). PEM files: the certificate chain and its private key. Empty: plain
  // HTTP (the default, for the demo and for a TLS-terminating proxy in front).
  std::string tls_cert_file;
  std::string tls_key_file;

  // Connection limits: beyond either, a new connection is answered 503 too_many_connections (with
  // Retry-After) and closed. Per address counts the peer's IP, whatever its port.
  size_t max_connections = 1024;
  size_t max_connections_per_address = 64;

  // The handler runs on a pool of this many worker threads, not on the I/O threads, so a slow
  // query or a heavy download never stalls the reading and writing of other connections. 0: the
  // handler runs on the I/O thread (the old model). Requests waiting for a worker beyond
  // max_queued_requests are answered 503 server_busy with Retry-After.
  int32_t workers = 4;
  size_t max_queued_requests = 1024;

  // Bulk requests (those `bulk` picks; serve picks consumer scans, api/public/scan_page.h
  // is_consumer_scan) run on their own pool of bulk_workers threads with their own queue
  // (max_queued_bulk, beyond it 503 server_busy), and those threads run at CPU priority
  // nice +bulk_nice (Linux, per thread). However many scans wait, the other requests (commands)
  // never queue behind them, and the scans' threads yield the CPU to the commands' threads.
  // Empty (the default) or workers 0: one pool for all.
  std::function<bool(const HttpRequest&)> bulk;
  int32_t bulk_workers = 2;
  int32_t bulk_nice = 10;
  size_t max_queued_bulk = 1024;

  // Requests `inline_when` picks skip the hand-off: their handler runs on the I/O thread that read
  // them (no worker wake-up, no second thread switch). Only for answers that are known to need no
  // slow work (serve picks a consumer scan whose page parts are already cached at the views'
  // current state, api/public/scan_page.h scan_answer_cached); the predicate itself runs on the
  // I/O thread and must be cheap. Empty (the default): every request goes to a pool as above.
  std::function<bool(const HttpRequest&)> inline_when;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. kInvalidArgument for a malformed address or TLS
  // files that cannot be loaded (reason "tls_config"), kUnavailable (reason "address_in_use",
  // "listen_failed") when the socket cannot be bound.
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
  std::shared_ptr<detail::HttpServerImpl>
      impl_;  // shared: Responders held by other threads keep it alive
};

}  // namespace agritrace::api
