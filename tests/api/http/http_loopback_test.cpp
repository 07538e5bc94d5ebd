// The HTTP edge over real loopback sockets: server in-process on an ephemeral port, driven by
// HttpClient and, for bytes no client would send, a raw POSIX socket. Synchronisation is by
// futures and blocking reads only.
#include <doctest/doctest.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/http/http_client.h"
#include "api/http/http_server.h"
#include "api/http/metrics.h"
#include "api/http/problem.h"
#include "api/http/router.h"
#include "tests/api/http/raw_socket.h"

namespace agritrace::api {

namespace {

using testing::RawConnection;

HttpServerOptions test_options() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 2;
  return o;
}

// A router-backed server with a few routes used by most tests.
struct Fixture {
  explicit Fixture(HttpServerOptions options = test_options())
      : router(&metrics), server(options, router.handler()) {
    router.add("GET", "/v1/ping", "ping",
               [](const HttpRequest&, const PathParams&, Responder respond) {
                 respond(text_response(200, "pong"));
               });
    router.add("POST", "/v1/echo", "echo",
               [](const HttpRequest& req, const PathParams&, Responder respond) {
                 respond(text_response(200, req.body));
               });
    router.add("GET", "/v1/batches/{batch_id}", "get_batch",
               [](const HttpRequest& req, const PathParams& params, Responder respond) {
                 std::string body = params.find("batch_id")->second;
                 if (auto q = req.query_param("q")) body += "|" + std::string(*q);
                 respond(json_response(200, "\"" + body + "\""));
               });
    router.add("GET", "/v1/boom", "boom",
               [](const HttpRequest&, const PathParams&, Responder) -> void {
                 throw std::runtime_error("handler bug");
               });
    router.add("GET", "/metrics", "metrics",
               [this](const HttpRequest&, const PathParams&, Responder respond) {
                 respond(metrics_response(metrics));
               });
    Status s = server.start();
    REQUIRE_MESSAGE(s.ok(), s.to_string());
  }
  HttpClient client() { return HttpClient("127.0.0.1", server.port()); }

  MetricsRegistry metrics;  // declared first: outlives router and server
  Router router;
  HttpServer server;
};

}  // namespace

TEST_CASE("keep-alive: two requests share one connection") {
  Fixture f;
  auto c = f.client();
  auto a = c.request("GET", "/v1/ping");
  auto b = c.request("POST", "/v1/echo", "hello");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->status == 200);
  CHECK(a->body == "pong");
  CHECK(b->body == "hello");
  CHECK(c.connections_opened() == 1);
  REQUIRE(a->header("X-Request-Id"));
  REQUIRE(b->header("X-Request-Id"));
  CHECK(*a->header("X-Request-Id") != *b->header("X-Request-Id"));

  RawConnection raw(f.server.port());
  REQUIRE(raw.connected());
  REQUIRE(raw.send_all("GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r1 = raw.read_response();
  REQUIRE(raw.send_all("GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Request-Id: my-id.1\r\n\r\n"));
  auto r2 = raw.read_response();
  REQUIRE(r1);
  REQUIRE(r2);
  CHECK(r1->body == "pong");
  CHECK(r2->body == "pong");
  CHECK(r2->has_header_line("X-Request-Id: my-id.1\r\n"));  // a sane client id is echoed
}

TEST_CASE("path parameters and query arrive decoded") {
  Fixture f;
  auto c = f.client();
  auto r = c.request("GET", "/v1/batches/LOT%2F42?q=a+b%21");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->content_type == "application/json");
  CHECK(r->body == "\"LOT/42|a b!\"");
}

TEST_CASE("unknown route → 404 problem+json, wrong method → 405 with Allow") {
  Fixture f;
  auto c = f.client();
  auto r = c.request("GET", "/v1/nope");
  REQUIRE(r.ok());
  CHECK(r->status == 404);
  CHECK(r->content_type == "application/problem+json");
  CHECK(r->body.find(R"("type":"https://agritrace.dev/problems/route_not_found")") !=
        std::string::npos);
  CHECK(r->body.find(R"("title":"Not Found")") != std::string::npos);
  CHECK(r->body.find(R"("status":404)") != std::string::npos);
  CHECK(r->body.find(R"("code":"route_not_found")") != std::string::npos);

  auto m = c.request("DELETE", "/v1/ping");
  REQUIRE(m.ok());
  CHECK(m->status == 405);
  CHECK(m->header("Allow") == "GET, HEAD");  // HEAD is answered by the GET route
  CHECK(m->body.find(R"("code":"method_not_allowed")") != std::string::npos);
  CHECK(c.connections_opened() == 1);  // error answers keep the connection
}

TEST_CASE("413 for a body over the limit, then the server stays healthy") {
  auto o = test_options();
  o.max_body_bytes = 1024;
  Fixture f(o);
  auto c = f.client();
  auto big = c.request("POST", "/v1/echo", std::string(64 * 1024, 'x'));
  REQUIRE_MESSAGE(big.ok(), big.status().to_string());
  CHECK(big->status == 413);
  CHECK(big->content_type == "application/problem+json");
  CHECK(big->body.find(R"("code":"body_too_large")") != std::string::npos);
  CHECK(big->header("Connection") == "close");

  auto ok = c.request("POST", "/v1/echo", std::string(1024, 'y'));  // exactly at the limit
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
  CHECK(ok->body.size() == 1024);
  CHECK(c.connections_opened() == 2);  // reconnected transparently after the close

  // Refused from the header alone: no body byte is sent, the answer still arrives, then EOF.
  RawConnection raw(f.server.port());
  REQUIRE(raw.send_all("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n"));
  auto r = raw.read_response();
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(raw.at_eof());
}

TEST_CASE("431 for oversized headers") {
  auto o = test_options();
  o.max_header_bytes = 2048;
  Fixture f(o);
  RawConnection raw(f.server.port());
  REQUIRE(raw.send_all("GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') +
                       "\r\n\r\n"));
  auto r = raw.read_response();
  REQUIRE(r);
  CHECK(r->status == 431);
  CHECK(raw.at_eof());
}

TEST_CASE("garbage bytes → 400 problem+json and close, the server keeps serving") {
  Fixture f;
  RawConnection raw(f.server.port());
  static constexpr char kGarbage[] = "\x16\x03\x01\x02\x00 not http at all\r\n\r\n";
  REQUIRE(raw.send_all(std::string_view(kGarbage, sizeof(kGarbage) - 1)));  // keeps the NUL
  auto r = raw.read_response();
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->has_header_line("Content-Type: application/problem+json\r\n"));
  CHECK(r->body.find(R"("code":"malformed_http")") != std::string::npos);
  CHECK(raw.at_eof());

  auto c = f.client();
  auto ok = c.request("GET", "/v1/ping");
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body") {
  Fixture f;
  RawConnection raw(f.server.port());
  REQUIRE(raw.send_all(
      "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = raw.read_response();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(raw.send_all("howdy"));
  auto r = raw.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "howdy");
}

TEST_CASE("a handler may answer later from another thread") {
  std::promise<Responder> parked;
  auto parked_future = parked.get_future();
  std::once_flag once;
  HttpServer server(test_options(), [&](HttpRequest req, Responder respond) {
    CHECK(req.path == "/slow");
    std::call_once(once, [&] { parked.set_value(std::move(respond)); });
  });
  REQUIRE(server.start().ok());
  HttpClient c("127.0.0.1", server.port());
  auto in_flight = std::async(std::launch::async, [&] { return c.request("GET", "/slow"); });
  Responder respond = parked_future.get();  // the handler has returned without answering
  CHECK(in_flight.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  std::thread writer([respond = std::move(respond)] {
    respond(text_response(201, "done later"));
    respond(text_response(500, "second answer is ignored"));
  });
  auto r = in_flight.get();
  writer.join();
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  CHECK(r->body == "done later");
}

TEST_CASE("a dropped Responder still answers 500") {
  HttpServer server(test_options(), [](HttpRequest, Responder) {});
  REQUIRE(server.start().ok());
  HttpClient c("127.0.0.1", server.port());
  auto r = c.request("GET", "/x");
  REQUIRE(r.ok());
  CHECK(r->status == 500);
  CHECK(r->body.find(R"("code":"no_response")") != std::string::npos);
}

TEST_CASE("exceptions in handlers → 500 and the server still serves") {
  SUBCASE("raw server handler") {
    HttpServer server(test_options(), [](HttpRequest req, Responder respond) {
      if (req.path == "/boom") throw std::runtime_error("bug");
      respond(text_response(200, "fine"));
    });
    REQUIRE(server.start().ok());
    HttpClient c("127.0.0.1", server.port());
    auto r = c.request("GET", "/boom");
    REQUIRE(r.ok());
    CHECK(r->status == 500);
    CHECK(r->content_type == "application/problem+json");
    auto ok = c.request("GET", "/fine");
    REQUIRE(ok.ok());
    CHECK(ok->status == 200);
  }
  SUBCASE("through the router (and counted)") {
    Fixture f;
    auto c = f.client();
    auto r = c.request("GET", "/v1/boom");
    REQUIRE(r.ok());
    CHECK(r->status == 500);
    CHECK(c.request("GET", "/v1/ping")->status == 200);
    auto& total = f.metrics.counter("agritrace_http_requests_total", "", {"route", "method", "status"});
    CHECK(total.value({"/v1/boom", "GET", "500"}) == 1);
  }
}

TEST_CASE("metrics text contains the request counters and latency histogram") {
  Fixture f;
  f.metrics.gauge_callback("agritrace_test_open_connections", "Open connections.",
                           [&] { return static_cast<double>(f.server.open_connections()); });
  auto c = f.client();
  CHECK(c.request("GET", "/v1/ping")->status == 200);
  CHECK(c.request("GET", "/v1/ping")->status == 200);
  CHECK(c.request("GET", "/v1/batches/B1")->status == 200);
  CHECK(c.request("GET", "/v1/nope")->status == 404);
  auto m = c.request("GET", "/metrics");
  REQUIRE(m.ok());
  CHECK(m->content_type == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& t = m->body;
  CHECK(t.find("# TYPE agritrace_http_requests_total counter\n") != std::string::npos);
  CHECK(t.find("agritrace_http_requests_total{route=\"/v1/ping\",method=\"GET\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(t.find("agritrace_http_requests_total{route=\"/v1/batches/{batch_id}\",method=\"GET\","
               "status=\"200\"} 1\n") != std::string::npos);
  CHECK(t.find("agritrace_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(t.find("# TYPE agritrace_http_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(t.find("agritrace_http_request_duration_seconds_bucket{route=\"/v1/ping\",le=\"+Inf\"} 2\n") !=
        std::string::npos);
  CHECK(t.find("agritrace_http_request_duration_seconds_count{route=\"/v1/ping\"} 2\n") !=
        std::string::npos);
  CHECK(t.find("agritrace_test_open_connections 1\n") != std::string::npos);
}

TEST_CASE("idle connections are closed after the idle timeout") {
  auto o = test_options();
  o.idle_timeout = std::chrono::milliseconds(200);
  HttpServer server(o, [](HttpRequest, Responder respond) { respond(text_response(200, "")); });
  REQUIRE(server.start().ok());
  RawConnection raw(server.port());
  REQUIRE(raw.connected());
  CHECK(raw.at_eof());  // blocks until the server gives up on us
}

TEST_CASE("start() reports a port in use and a malformed address") {
  HttpServer first(test_options(), [](HttpRequest, Responder respond) { respond({}); });
  REQUIRE(first.start().ok());
  auto o = test_options();
  o.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(o, [](HttpRequest, Responder respond) { respond({}); });
  Status s = second.start();
  CHECK_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kUnavailable);
  CHECK(s.error().reason == "address_in_use");

  o.listen = "nonsense";
  HttpServer third(o, [](HttpRequest, Responder respond) { respond({}); });
  Status t = third.start();
  CHECK(t.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("graceful stop: refuse new connections, finish in-flight, close idle") {
  std::promise<Responder> parked;
  auto parked_future = parked.get_future();
  HttpServer server(test_options(), [&](HttpRequest req, Responder respond) {
    if (req.path == "/slow") {
      parked.set_value(std::move(respond));
    } else {
      respond(text_response(200, "quick"));
    }
  });
  REQUIRE(server.start().ok());
  uint16_t port = server.port();

  HttpClient idle_client("127.0.0.1", port);
  REQUIRE(idle_client.request("GET", "/quick").ok());  // leaves an idle keep-alive connection
  RawConnection idle_raw(port);
  REQUIRE(idle_raw.connected());

  HttpClient slow_client("127.0.0.1", port);
  auto in_flight = std::async(std::launch::async, [&] { return slow_client.request("GET", "/slow"); });
  Responder respond = parked_future.get();

  server.begin_stop();
  CHECK_FALSE(RawConnection(port).connected());  // the listener is closed
  CHECK(idle_raw.at_eof());                      // idle connections are closed

  auto stopped = std::async(std::launch::async, [&] { server.stop(); });
  CHECK(stopped.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  respond(text_response(200, "finished during shutdown"));
  auto r = in_flight.get();
  stopped.get();
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "finished during shutdown");
  CHECK(r->header("Connection") == "close");
  CHECK(server.open_connections() == 0);

  auto after = idle_client.request("GET", "/quick");
  CHECK_FALSE(after.ok());
  CHECK(after.error().code == ErrorCode::kUnavailable);
  server.stop();  // idempotent
}

}  // namespace agritrace::api
