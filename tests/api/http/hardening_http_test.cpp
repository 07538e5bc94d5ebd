// Issue 16 at the HTTP edge, over real loopback sockets: TLS (a certificate the test generates with
// the openssl CLI, an OpenSSL client), rate limits with 429 + Retry-After on a ControlledEnv
// clock, connection limits, the worker pool (a health check answers while two heavy requests
// hold workers) and the headers every answer carries. Synchronisation by futures only.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "api/http/http_client.h"
#include "api/http/http_server.h"
#include "api/http/problem.h"
#include "api/http/rate_limit.h"
#include "api/http/router.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "tests/api/http/raw_socket.h"
#include "tests/support/test_env.h"

namespace agritrace::api {
namespace {

using testing::RawConnection;

HttpServerOptions loopback() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 2;
  return o;
}

void add_ping(Router& router) {
  router.add("GET", "/v1/ping", "ping", [](const HttpRequest&, const PathParams&, Responder respond) {
    respond(text_response(200, "pong"));
  });
}

// A self-signed certificate for 127.0.0.1 and its key, made by the openssl CLI.
struct TestCertificate {
  agritrace::testing::TempDir dir;
  std::string cert = dir.path() + "/cert.pem";
  std::string key = dir.path() + "/key.pem";
  TestCertificate() {
    const std::string cmd = fmt::format(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout '{}' -out '{}' >/dev/null 2>&1",
        key, cert);
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
};

// One HTTPS request with an OpenSSL client that verifies the server against `ca_file`; the raw
// answer (status line, headers, body), or nullopt when the connection or handshake fails.
std::optional<std::string> tls_get(uint16_t port, const std::string& ca_file, const std::string& target,
                                   int max_version = 0) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  REQUIRE(ctx != nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  REQUIRE(SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) == 1);
  if (max_version != 0) {
    // Let this client offer old versions at all (OpenSSL 3 refuses them at security level 1).
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, max_version);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  }
  RawConnection tcp(port);
  REQUIRE(tcp.connected());
  SSL* ssl = SSL_new(ctx);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  SSL_set_fd(ssl, tcp.fd());
  std::optional<std::string> out;
  if (SSL_connect(ssl) == 1 && SSL_get_verify_result(ssl) == X509_V_OK) {
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (SSL_write(ssl, req.data(), static_cast<int>(req.size())) == static_cast<int>(req.size())) {
      std::string answer;
      char buf[4096];
      int n = 0;
      while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) answer.append(buf, static_cast<size_t>(n));
      out = std::move(answer);
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return out;
}

}  // namespace

TEST_CASE("TLS: HTTPS with the configured certificate, HSTS on every answer, no TLS 1.1, no plain HTTP") {
  TestCertificate certificate;
  Router router;
  add_ping(router);
  HttpServerOptions o = loopback();
  o.tls_cert_file = certificate.cert;
  o.tls_key_file = certificate.key;
  HttpServer server(o, router.handler());
  Status s = server.start();
  REQUIRE_MESSAGE(s.ok(), s.to_string());

  auto answer = tls_get(server.port(), certificate.cert, "/v1/ping");
  REQUIRE(answer);
  CHECK(answer->starts_with("HTTP/1.1 200"));
  CHECK(answer->find("\r\nStrict-Transport-Security: max-age=31536000") != std::string::npos);
  CHECK(answer->ends_with("\r\n\r\npong"));
  auto missing = tls_get(server.port(), certificate.cert, "/v1/nope");
  REQUIRE(missing);
  CHECK(missing->starts_with("HTTP/1.1 404"));
  CHECK(missing->find("Strict-Transport-Security") != std::string::npos);  // problems too

  // A client that offers TLS 1.1 at most gets no connection.
  CHECK_FALSE(tls_get(server.port(), certificate.cert, "/v1/ping", TLS1_1_VERSION));
  // TLS 1.2 exactly is fine.
  CHECK(tls_get(server.port(), certificate.cert, "/v1/ping", TLS1_2_VERSION));
  // Plain HTTP to the TLS port gets no HTTP answer.
  HttpClientOptions quick;
  quick.timeout = std::chrono::milliseconds(5000);
  HttpClient plain("127.0.0.1", server.port(), quick);
  auto r = plain.request("GET", "/v1/ping");
  CHECK((!r.ok() || r->status != 200));
}

TEST_CASE("TLS: start() refuses a missing or mismatched certificate/key") {
  TestCertificate a;
  TestCertificate b;
  Router router;
  for (auto [cert, key, what] : {std::tuple{a.cert, std::string(), "no key"},
                                 std::tuple{a.cert + ".missing", a.key, "missing certificate"},
                                 std::tuple{a.cert, b.key, "key of another certificate"}}) {
    INFO(what);
    HttpServerOptions o = loopback();
    o.tls_cert_file = cert;
    o.tls_key_file = key;
    HttpServer server(o, router.handler());
    Status s = server.start();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().reason == "tls_config");
  }
}

// A ping server behind a RateLimiter whose clock is a pinned ControlledEnv.
struct LimitedServer {
  LimitedServer(RateLimit per_address, RateLimit per_key, int64_t start_ns)
      : limiter(RateLimitOptions{per_key, per_address}, pinned(env, start_ns)),
        server(loopback(), limiter.wrap(router.handler())) {
    add_ping(router);
    REQUIRE(server.start().ok());
  }
  static Env& pinned(events::ControlledEnv& e, int64_t ns) {
    e.pin_monotonic_ns(ns);
    return e;
  }
  events::ControlledEnv env{events::posix_env()};
  RateLimiter limiter;
  Router router;
  HttpServer server;
};

TEST_CASE("rate limits: per address, 429 problem with Retry-After, refilled by the monotonic clock") {
  LimitedServer s({1, 2}, {0, 0}, 1'000'000'000);  // per address: 1 per second, 2 at once
  events::ControlledEnv& env = s.env;
  HttpClient c("127.0.0.1", s.server.port());

  CHECK(c.request("GET", "/v1/ping")->status == 200);
  CHECK(c.request("GET", "/v1/ping")->status == 200);
  auto refused = c.request("GET", "/v1/ping");
  REQUIRE(refused.ok());
  CHECK(refused->status == 429);
  CHECK(refused->content_type == kProblemContentType);
  CHECK(refused->body.find("\"code\":\"too_many_requests\"") != std::string::npos);
  CHECK(refused->header("Retry-After") == "1");
  env.advance_monotonic_ns(500'000'000);  // half a token: still refused, and the wait is rounded up
  CHECK(c.request("GET", "/v1/ping")->status == 429);
  env.advance_monotonic_ns(500'000'000);
  CHECK(c.request("GET", "/v1/ping")->status == 200);
  CHECK(c.request("GET", "/v1/ping")->status == 429);
}

TEST_CASE("rate limits: per API key, whichever address it comes from") {
  LimitedServer s({0, 0}, {0.25, 1}, 0);  // per key: one request, then one every 4 s
  events::ControlledEnv& env = s.env;
  HttpClient c("127.0.0.1", s.server.port());
  const HeaderList key_a{{"Authorization", "Bearer key-a"}};
  const HeaderList key_a_other_header{{"X-API-Key", "key-a"}};
  const HeaderList key_b{{"Authorization", "Bearer key-b"}};

  CHECK(c.request("GET", "/v1/ping", {}, key_a)->status == 200);
  auto refused = c.request("GET", "/v1/ping", {}, key_a_other_header);
  CHECK(refused->status == 429);
  CHECK(refused->header("Retry-After") == "4");
  CHECK(c.request("GET", "/v1/ping", {}, key_b)->status == 200);  // another key has its own bucket
  CHECK(c.request("GET", "/v1/ping")->status == 200);             // no key: only the address limit
  env.advance_monotonic_ns(4'000'000'000);
  CHECK(c.request("GET", "/v1/ping", {}, key_a)->status == 200);
}

TEST_CASE("connection limits: over the per-address limit a connection is answered 503 and closed") {
  Router router;
  add_ping(router);
  HttpServerOptions o = loopback();
  o.max_connections_per_address = 2;
  HttpServer server(o, router.handler());
  REQUIRE(server.start().ok());
  RawConnection first(server.port());
  RawConnection second(server.port());
  REQUIRE(first.send_all("GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(second.send_all("GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(first.read_response()->status == 200);
  CHECK(second.read_response()->status == 200);
  RawConnection third(server.port());
  REQUIRE(third.connected());
  auto refused = third.read_response();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->has_header_line("Retry-After: 1"));
  CHECK(refused->body.find("too_many_connections") != std::string::npos);
  CHECK(third.at_eof());
  // The two admitted connections keep working.
  REQUIRE(first.send_all("GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(first.read_response()->status == 200);
}

TEST_CASE("worker pool: /healthz answers while two heavy requests hold workers (two I/O threads)") {
  // The heavy handler blocks until released; each says when it has started. With handlers on the
  // I/O threads (the old model) the two of them would hold both threads and /healthz could not
  // even be read: it would time out.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered[2];
  std::atomic<int> entered_count{0};
  Router router;
  router.add("GET", "/heavy", "heavy", [&](const HttpRequest&, const PathParams&, Responder respond) {
    entered[entered_count.fetch_add(1)].set_value();
    released.wait();
    respond(text_response(200, std::string(1 << 20, 'x')));
  });
  router.add("GET", "/healthz", "healthz", [](const HttpRequest&, const PathParams&, Responder respond) {
    respond(text_response(200, "ok"));
  });
  HttpServerOptions o = loopback();
  o.threads = 2;
  o.workers = 4;
  HttpServer server(o, router.handler());
  REQUIRE(server.start().ok());

  auto heavy = [port = server.port()] {
    HttpClient c("127.0.0.1", port);
    auto r = c.request("GET", "/heavy");
    return r.ok() ? r->status : -1;
  };
  auto first = std::async(std::launch::async, heavy);
  auto second = std::async(std::launch::async, heavy);
  entered[0].get_future().wait();
  entered[1].get_future().wait();
  // Both downloads are in their handlers now, and stay there until released below.
  HttpClientOptions quick;
  quick.timeout = std::chrono::milliseconds(5000);
  HttpClient probe("127.0.0.1", server.port(), quick);
  auto health = probe.request("GET", "/healthz");
  const bool downloads_unfinished = first.wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
                                    second.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
  release.set_value();
  REQUIRE(health.ok());
  CHECK(health->status == 200);
  CHECK(downloads_unfinished);  // healthz completed before either download
  CHECK(first.get() == 200);
  CHECK(second.get() == 200);
}

TEST_CASE("worker pool: requests beyond the queue are answered 503 server_busy") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  Router router;
  router.add("GET", "/hold", "hold", [&](const HttpRequest&, const PathParams&, Responder respond) {
    entered.set_value();
    released.wait();
    respond(text_response(200, "done"));
  });
  add_ping(router);
  HttpServerOptions o = loopback();
  o.workers = 1;
  o.max_queued_requests = 0;  // the one worker busy: nothing may wait
  HttpServer server(o, router.handler());
  REQUIRE(server.start().ok());
  auto held = std::async(std::launch::async, [port = server.port()] {
    HttpClient c("127.0.0.1", port);
    return c.request("GET", "/hold")->status;
  });
  entered.get_future().wait();
  HttpClient c("127.0.0.1", server.port());
  auto busy = c.request("GET", "/v1/ping");
  release.set_value();
  REQUIRE(busy.ok());
  CHECK(busy->status == 503);
  CHECK(busy->header("Retry-After") == "1");
  CHECK(busy->body.find("server_busy") != std::string::npos);
  CHECK(held.get() == 200);
  // The pool takes requests again once its worker has returned from the held job. The held
  // client can read its answer a moment before that (the worker responds, then returns), so a
  // client retries on server_busy, as its Retry-After tells it to; any other answer fails.
  int status = 0;
  for (int attempt = 0; attempt < 1000 && status != 200; ++attempt) {
    auto again = c.request("GET", "/v1/ping");
    REQUIRE(again.ok());
    status = again->status;
    if (status != 200) REQUIRE(again->body.find("server_busy") != std::string::npos);
  }
  CHECK(status == 200);
}

// Issue 12 (R-4.4.1 figures): consumer scans run on their own bulk pool, so however many of them
// wait, a command is answered; and the bulk threads run at a lower CPU priority.
TEST_CASE("R-4.4.1 bulk pool: requests never queue behind bulk ones, bulk threads are niced") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> entered{0};
  std::atomic<int> bulk_nice{-100};
  Router router;
  router.add("GET", "/01/{gtin}", "scan", [&](const HttpRequest&, const PathParams&, Responder respond) {
    bulk_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    entered.fetch_add(1);
    entered.notify_all();
    released.wait();
    respond(text_response(200, "page"));
  });
  router.add("POST", "/v1/batches", "command", [](const HttpRequest&, const PathParams&, Responder respond) {
    respond(text_response(201, "created"));
  });
  HttpServerOptions o = loopback();
  o.workers = 1;
  o.bulk = [](const HttpRequest& r) { return r.path.starts_with("/01/"); };
  o.bulk_workers = 1;
  o.bulk_nice = 5;
  HttpServer server(o, router.handler());
  REQUIRE(server.start().ok());
  // One scan in the bulk worker, three more waiting behind it: more than the one general worker.
  std::vector<std::future<int>> scans;
  for (int i = 0; i < 4; ++i) {
    scans.push_back(std::async(std::launch::async, [port = server.port()] {
      HttpClient c("127.0.0.1", port);
      auto r = c.request("GET", "/01/06901234567892");
      return r.ok() ? r->status : -1;
    }));
  }
  entered.wait(0);
  HttpClientOptions quick;
  quick.timeout = std::chrono::milliseconds(10000);
  HttpClient c("127.0.0.1", server.port(), quick);
  auto command = c.request("POST", "/v1/batches", "{}");
  const int scans_done = entered.load();
  release.set_value();
  REQUIRE(command.ok());
  CHECK(command->status == 201);  // answered while every scan still waited
  CHECK(scans_done == 1);
  for (auto& f : scans) CHECK(f.get() == 200);
  CHECK(bulk_nice.load() >= 5);
}

// Issue 12 (R-4.4.1 figures): requests `inline_when` picks are answered by the I/O thread itself
// (serve: scans whose page parts are cached), with the same bytes as through a worker; the others
// still go to their pool.
TEST_CASE("R-4.4.1 inline_when: picked requests are answered on the I/O thread, same bytes as a worker") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> entered{0};
  Router router;
  router.add("GET", "/01/{gtin}/10/{lot}/21/{serial}", "scan",
             [&](const HttpRequest& req, const PathParams& p, Responder respond) {
               if (p.at("serial") == "HOLD") {  // keeps the one worker busy
                 entered.fetch_add(1);
                 entered.notify_all();
                 released.wait();
               }
               HttpResponse r = text_response(200, "page of " + p.at("serial"));
               r.headers.emplace_back("Cache-Control", "no-store");
               r.headers.emplace_back("X-Seen-Target", req.target);
               respond(std::move(r));
             });
  HttpServerOptions o = loopback();
  o.workers = 1;
  o.bulk = [](const HttpRequest& r) { return r.path.starts_with("/01/"); };
  o.bulk_workers = 1;
  o.max_queued_bulk = 0;  // a second scan for the pool would be refused 503 server_busy
  o.inline_when = [](const HttpRequest& r) { return r.path.ends_with("/21/FAST"); };
  HttpServer server(o, router.handler());
  REQUIRE(server.start().ok());
  auto held = std::async(std::launch::async, [port = server.port()] {
    HttpClient c("127.0.0.1", port);
    auto r = c.request("GET", "/01/06901234567892/10/L1/21/HOLD");
    return r.ok() ? r->status : -1;
  });
  entered.wait(0);  // the scan pool's only worker is busy and its queue takes nothing
  HttpClient c("127.0.0.1", server.port());
  auto queued = c.request("GET", "/01/06901234567892/10/L1/21/SLOW");
  REQUIRE(queued.ok());
  CHECK(queued->status == 503);  // through the pool: refused
  auto fast = c.request("GET", "/01/06901234567892/10/L1/21/FAST");
  REQUIRE(fast.ok());
  CHECK(fast->status == 200);  // on the I/O thread: answered while the pool is full
  CHECK(fast->body == "page of FAST");
  release.set_value();
  CHECK(held.get() == 200);

  // The same request through the pool (no inline_when) gives the same status, headers and body.
  HttpServerOptions pooled = loopback();
  pooled.workers = 1;
  HttpServer other(pooled, router.handler());
  REQUIRE(other.start().ok());
  HttpClient c2("127.0.0.1", other.port());
  auto slow = c2.request("GET", "/01/06901234567892/10/L1/21/FAST");
  REQUIRE(slow.ok());
  CHECK(slow->status == fast->status);
  CHECK(slow->body == fast->body);
  for (const char* h : {"Content-Type", "Cache-Control", "X-Seen-Target", "X-Content-Type-Options"}) {
    CHECK(slow->header(h) == fast->header(h));
  }
}

TEST_CASE("every answer carries nosniff, problems stay valid UTF-8, HEAD answers like GET") {
  Router router;
  add_ping(router);
  HttpServer server(loopback(), router.handler());
  REQUIRE(server.start().ok());
  HttpClient c("127.0.0.1", server.port());
  auto ping = c.request("GET", "/v1/ping");
  CHECK(ping->header("X-Content-Type-Options") == "nosniff");
  CHECK_FALSE(ping->header("Strict-Transport-Security"));  // plain HTTP
  auto head = c.request("HEAD", "/v1/ping");
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->header("Content-Length") == "4");

  CHECK(valid_utf8("ok 中文") == "ok 中文");
  CHECK(valid_utf8("a\xff" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");              // overlong '/'
  CHECK(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(valid_utf8("\xE4\xB8") == "\xEF\xBF\xBD\xEF\xBF\xBD");              // truncated
  HttpResponse p = problem_response(404, "x", "no batch '\xff'", "id\xfe");
  CHECK(p.body.find('\xff') == std::string::npos);
  CHECK(p.body.find('\xfe') == std::string::npos);
}

}  // namespace agritrace::api
