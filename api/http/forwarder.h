// Forwarder: hands a command that reached a node not owning its tenant's ledger partition to the
// owning node over HTTP (issue 17, R-8; docs/OPERATIONS.md "Several nodes"). The request goes out
// as it came (method, target, body, the end-to-end headers: Authorization, Idempotency-Key,
// Content-Type, X-Request-Id...) marked `X-Agritrace-Forwarded-By: <self url>`; the owner's answer
// (status, headers, body) comes back unchanged. A node never forwards a forwarded request again.
// The exchange runs on the forwarder's own threads, never on an HTTP I/O thread nor on a request
// worker. No Beast here: the HttpClient hides it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/http/http_types.h"

namespace agritrace::api {

inline constexpr std::string_view kForwardedByHeader = "X-Agritrace-Forwarded-By";

struct ForwarderOptions {
  int32_t threads = 4;            // forwarding threads (each keeps one connection per owner)
  size_t max_queued = 1024;       // beyond it: 503 server_busy with Retry-After
  // One exchange with the owner (connect, send, answer) must finish within this; a command may
  // wait for the ledger (10 s) and for the views (read-your-writes) on the owner.
  std::chrono::milliseconds timeout{45000};
};

class Forwarder {
 public:
  explicit Forwarder(std::string self_url, ForwarderOptions options = {});
  ~Forwarder();  // stop()
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  const std::string& self_url() const { return self_url_; }

  // Sends `req` to `owner_url` (http://host:port) on a forwarding thread and calls `respond`
  // with the owner's answer, or with 503 owner_unreachable (Retry-After: 1) when the owner cannot
  // be reached or the connection breaks before it answers (the command may or may not have been
  // appended: the client retries with its Idempotency-Key).
  void forward(const HttpRequest& req, const std::string& owner_url, Responder respond);

  // Answers what is queued with 503 and joins the threads. Idempotent.
  void stop();

  // The request the owner receives (exposed for tests): end-to-end headers only, the forwarded
  // mark added.
  static HeaderList forwarded_headers(const HttpRequest& req, std::string_view self_url);
  // The owner's answer as this node sends it on: framing and hop-by-hop headers dropped.
  static HttpResponse relayed(HttpResponse owner_answer);

 private:
  struct Job {
    HttpRequest request;
    std::string owner_url;
    Responder respond;
  };
  void run();

  std::string self_url_;
  ForwarderOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// 503 partition_not_owned (Retry-After: 1): nobody, or not this node, owns the tenant's partition
// right now (a rebalance is in progress).
HttpResponse partition_not_owned(std::string message);

}  // namespace agritrace::api
