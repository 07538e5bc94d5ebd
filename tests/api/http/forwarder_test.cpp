// Issue 17, R-8: the Forwarder hands a command to the node owning its tenant's partition. An owner
// stand-in (an in-process HttpServer on loopback) records what it received; a front server hands
// every request to the Forwarder. Synchronisation by futures and blocking reads only.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <future>
#include <mutex>
#include <string>

#include "api/http/forwarder.h"
#include "api/http/http_client.h"
#include "api/http/http_server.h"
#include "api/http/problem.h"

namespace agritrace::api {
namespace {

HttpServerOptions loopback() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 1;
  o.workers = 1;
  return o;
}

// The owner: answers 201 with a problem-free JSON body and headers of its own, and keeps the
// last request it saw.
struct Owner {
  std::mutex mu;
  HttpRequest seen;
  HttpServer server{loopback(), [this](HttpRequest req, Responder respond) {
                      {
                        std::lock_guard lock(mu);
                        seen = req;
                      }
                      HttpResponse r = json_response(201, R"({"id":"b-1"})");
                      r.headers.emplace_back("X-Agritrace-Position", "2:17");
                      r.headers.emplace_back("Idempotent-Replayed", "true");
                      respond(std::move(r));
                    }};
  Owner() { REQUIRE(server.start().ok()); }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", server.port()); }
};

// The front node: every request goes to the Forwarder, towards `owner_url`.
struct Front {
  Forwarder forwarder;
  std::string owner_url;
  HttpServer server;
  explicit Front(std::string owner)
      : forwarder("http://front.test:1"),
        owner_url(std::move(owner)),
        server(loopback(), [this](HttpRequest req, Responder respond) {
          forwarder.forward(req, owner_url, std::move(respond));
        }) {
    REQUIRE(server.start().ok());
  }
};

TEST_CASE("forwarder R-8: a command goes to the owner as sent and its answer comes back unchanged") {
  Owner owner;
  Front front(owner.url());
  HttpClient client("127.0.0.1", front.server.port());
  auto r = client.request("POST", "/v1/batches?x=1", R"({"lot_code":"L-1"})",
                          {{"Authorization", "Bearer agk_secret"},
                           {"Idempotency-Key", "k-1"},
                           {"Content-Type", "application/json"},
                           {"X-Request-Id", "req-42"}});
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  CHECK(r->body == R"({"id":"b-1"})");
  CHECK(r->content_type == "application/json");
  CHECK(r->header("X-Agritrace-Position") == "2:17");
  CHECK(r->header("Idempotent-Replayed") == "true");
  CHECK(r->header("X-Request-Id") == "req-42");  // one id in both nodes' logs

  std::lock_guard lock(owner.mu);
  CHECK(owner.seen.method == "POST");
  CHECK(owner.seen.target == "/v1/batches?x=1");
  CHECK(owner.seen.body == R"({"lot_code":"L-1"})");
  CHECK(owner.seen.header("Authorization") == "Bearer agk_secret");
  CHECK(owner.seen.header("Idempotency-Key") == "k-1");
  CHECK(owner.seen.header("Content-Type") == "application/json");
  CHECK(owner.seen.header("X-Request-Id") == "req-42");
  CHECK(owner.seen.header(kForwardedByHeader) == "http://front.test:1");
  CHECK(owner.seen.header("X-Forwarded-For") == "127.0.0.1");
}

TEST_CASE("forwarder R-8: an owner that cannot be reached answers 503 owner_unreachable with Retry-After") {
  std::string gone;
  {
    Owner stopped;  // a port that was just listening and is closed now
    gone = stopped.url();
  }
  Front front(gone);
  HttpClient client("127.0.0.1", front.server.port());
  auto r = client.request("POST", "/v1/batches", "{}", {{"Idempotency-Key", "k-2"}});
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(r->content_type == kProblemContentType);
  CHECK(r->body.find(R"("code":"owner_unreachable")") != std::string::npos);
  CHECK(r->header("Retry-After") == "1");
}

TEST_CASE("forwarder R-8: hop-by-hop headers stay on their connection, the forwarded mark is replaced") {
  HttpRequest req;
  req.method = "POST";
  req.target = "/v1/batches";
  req.remote_address = "10.0.0.7:5555";
  req.request_id = "r-1";
  req.headers = {{"Connection", "keep-alive"},      {"Host", "a:1"},
                 {"Content-Length", "2"},           {"Transfer-Encoding", "chunked"},
                 {"X-Agritrace-Forwarded-By", "x"}, {"X-Forwarded-For", "1.2.3.4"},
                 {"Authorization", "Bearer k"}};
  const HeaderList h = Forwarder::forwarded_headers(req, "http://self:2");
  auto find = [&](std::string_view name) { return find_header(h, name); };
  CHECK(!find("Connection"));
  CHECK(!find("Host"));
  CHECK(!find("Content-Length"));
  CHECK(!find("Transfer-Encoding"));
  CHECK(find("Authorization") == "Bearer k");
  CHECK(find(kForwardedByHeader) == "http://self:2");
  CHECK(find("X-Forwarded-For") == "1.2.3.4, 10.0.0.7");
  CHECK(find("X-Request-Id") == "r-1");

  HttpResponse owner;
  owner.status = 409;
  owner.headers = {{"Content-Type", "application/problem+json"}, {"Content-Length", "9"},
                   {"Connection", "close"}, {"Retry-After", "1"}};
  owner.content_type = "application/problem+json";
  const HttpResponse back = Forwarder::relayed(owner);
  CHECK(back.status == 409);
  CHECK(back.content_type == "application/problem+json");
  CHECK(!back.header("Content-Length"));
  CHECK(!back.header("Connection"));
  CHECK(!back.header("Content-Type"));  // carried by content_type, set once
  CHECK(back.header("Retry-After") == "1");
}

}  // namespace
}  // namespace agritrace::api
