// Network-free tests of the HTTP value types, problems, metrics and routing.
#include <doctest/doctest.h>

#include <stdexcept>

#include "api/http/http_client.h"
#include "api/http/http_types.h"
#include "api/http/metrics.h"
#include "api/http/problem.h"
#include "api/http/router.h"

namespace agritrace::api {

TEST_CASE("percent_decode, split_path and parse_target") {
  CHECK(*percent_decode("a%2Fb%20c") == "a/b c");
  CHECK(*percent_decode("a+b", true) == "a b");
  CHECK(*percent_decode("a+b") == "a+b");
  CHECK_FALSE(percent_decode("%4").ok());
  CHECK_FALSE(percent_decode("%zz").ok());
  CHECK(percent_encode("B/1 x") == "B%2F1%20x");

  auto segs = split_path("/v1/batches/LOT%2F7/");
  REQUIRE(segs.ok());
  CHECK(*segs == std::vector<std::string>{"v1", "batches", "LOT/7", ""});
  CHECK(*split_path("/") == std::vector<std::string>{""});
  CHECK_FALSE(split_path("v1").ok());

  auto t = parse_target("/v1/x%20y?limit=10&q=a+b%26c&flag&=v");
  REQUIRE(t.ok());
  CHECK(t->path == "/v1/x%20y");  // raw: decoded per segment by split_path
  REQUIRE(t->query.size() == 4);
  CHECK(t->query[0] == std::pair<std::string, std::string>{"limit", "10"});
  CHECK(t->query[1] == std::pair<std::string, std::string>{"q", "a b&c"});
  CHECK(t->query[2] == std::pair<std::string, std::string>{"flag", ""});
  CHECK_FALSE(parse_target("/x?a=%G1").ok());

  HttpRequest req;
  req.headers = {{"Content-Type", "application/json"}};
  req.query = t->query;
  CHECK(req.header("content-type") == "application/json");
  CHECK_FALSE(req.header("accept").has_value());
  CHECK(req.query_param("limit") == "10");
}

TEST_CASE("problem responses follow RFC 9457") {
  auto r = problem_response(422, "uscc_check_failed", "bad \"check\"", "supplier.uscc");
  CHECK(r.status == 422);
  CHECK(r.content_type == "application/problem+json");
  CHECK(r.body ==
        R"({"type":"https://agritrace.dev/problems/uscc_check_failed","title":"Unprocessable Content",)"
        R"("status":422,"detail":"bad \"check\"","code":"uscc_check_failed","field":"supplier.uscc"})");
  CHECK(problem_response(404, "x", "y").body.find("\"field\"") == std::string::npos);

  CHECK(http_status_for(ErrorCode::kInvalidArgument) == 422);
  CHECK(http_status_for(ErrorCode::kNotFound) == 404);
  CHECK(http_status_for(ErrorCode::kConflict) == 409);
  CHECK(http_status_for(ErrorCode::kUnauthenticated) == 401);
  CHECK(http_status_for(ErrorCode::kPermissionDenied) == 403);
  CHECK(http_status_for(ErrorCode::kUnavailable) == 503);
  CHECK(http_status_for(ErrorCode::kTooLarge) == 413);
  CHECK(http_status_for(ErrorCode::kTimeout) == 504);
  CHECK(http_status_for(ErrorCode::kCorruption) == 500);
  CHECK(http_status_for(ErrorCode::kInternal) == 500);

  auto e = problem_from_error(make_error(ErrorCode::kConflict, "over_consumption", "too much"));
  CHECK(e.status == 409);
  CHECK(e.body.find(R"("code":"over_consumption")") != std::string::npos);
  auto anon = problem_from_error(make_error(ErrorCode::kTimeout, "", "slow"));
  CHECK(anon.body.find(R"("code":"timeout")") != std::string::npos);
}

TEST_CASE("metrics render the Prometheus text format 0.0.4") {
  MetricsRegistry reg;
  auto& c = reg.counter("t_requests_total", "Requests.\nTwo lines", {"route", "status"});
  c.inc({"/a/{id}", "200"});
  c.inc({"/a/{id}", "200"}, 2);
  c.inc({"q\"\\\n", "500"});
  CHECK(c.value({"/a/{id}", "200"}) == 3);
  CHECK_THROWS_AS(c.inc({"only-one"}), std::invalid_argument);
  CHECK(&reg.counter("t_requests_total", "again", {"route", "status"}) == &c);
  CHECK_THROWS_AS(reg.counter("t_requests_total", "x", {"route"}), std::invalid_argument);

  auto& h = reg.histogram("t_seconds", "Latency.", {"route"}, {0.1, 1});
  h.observe({"r"}, 0.05);
  h.observe({"r"}, 0.1);  // le is inclusive
  h.observe({"r"}, 5);
  reg.gauge_callback("t_lag", "Lag.", [] { return 1.5; });

  std::string text = reg.render();
  CHECK(text ==
        "# HELP t_requests_total Requests.\\nTwo lines\n"
        "# TYPE t_requests_total counter\n"
        "t_requests_total{route=\"/a/{id}\",status=\"200\"} 3\n"
        "t_requests_total{route=\"q\\\"\\\\\\n\",status=\"500\"} 1\n"
        "# HELP t_seconds Latency.\n"
        "# TYPE t_seconds histogram\n"
        "t_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"
        "t_seconds_bucket{route=\"r\",le=\"1\"} 2\n"
        "t_seconds_bucket{route=\"r\",le=\"+Inf\"} 3\n"
        "t_seconds_sum{route=\"r\"} 5.15\n"
        "t_seconds_count{route=\"r\"} 3\n"
        "# HELP t_lag Lag.\n"
        "# TYPE t_lag gauge\n"
        "t_lag 1.5\n");
  CHECK(default_latency_buckets().front() == 0.0005);
  CHECK(default_latency_buckets().back() == 10);
  CHECK(format_metric_value(0.0005) == "0.0005");
}

namespace {

// Calls the router synchronously and captures its answer.
HttpResponse route(const Router& router, std::string method, std::string target) {
  HttpRequest req;
  req.method = std::move(method);
  req.target = target;
  auto t = parse_target(target);
  REQUIRE(t.ok());
  req.path = t->path;
  req.query = t->query;
  HttpResponse out;
  bool answered = false;
  router.dispatch(std::move(req), [&](HttpResponse r) {
    out = std::move(r);
    answered = true;
  });
  REQUIRE(answered);
  return out;
}

RouteHandler echo(std::string tag) {
  return [tag](const HttpRequest&, const PathParams& params, Responder respond) {
    std::string body = tag;
    for (const auto& [k, v] : params) body += " " + k + "=" + v;
    respond(text_response(200, body));
  };
}

}  // namespace

TEST_CASE("router matches patterns, prefers literals, answers 404/405/400") {
  MetricsRegistry reg;
  Router router(&reg);
  router.add("GET", "/v1/batches/{batch_id}", "get_batch", echo("get"));
  router.add("DELETE", "/v1/batches/{batch_id}", "delete_batch", echo("delete"));
  router.add("GET", "/v1/batches/search", "search_batches", echo("search"));
  router.add("POST", "/v1/batches/search", "search_batches_post", echo("search-post"));
  router.add("GET", "/v1/batches/{batch_id}/trace/backward", "trace_backward", echo("trace"));
  CHECK_THROWS_AS(router.add("GET", "/v1/batches/{other}", "dup", echo("dup")),
                  std::invalid_argument);
  CHECK_THROWS_AS(router.add("GET", "/v1/x{y}", "bad", echo("bad")), std::invalid_argument);

  CHECK(route(router, "GET", "/v1/batches/B%2F7").body == "get batch_id=B/7");
  CHECK(route(router, "GET", "/v1/batches/search").body == "search");
  CHECK(route(router, "DELETE", "/v1/batches/search").body == "delete batch_id=search");
  CHECK(route(router, "GET", "/v1/batches/B1/trace/backward?depth=3").body ==
        "trace batch_id=B1");

  auto nf = route(router, "GET", "/v2/nothing");
  CHECK(nf.status == 404);
  CHECK(nf.body.find(R"("code":"route_not_found")") != std::string::npos);
  CHECK(route(router, "GET", "/v1/batches//trace/backward").status == 404);

  auto na = route(router, "PUT", "/v1/batches/search");
  CHECK(na.status == 405);
  CHECK(na.header("Allow") == "DELETE, GET, HEAD, POST");
  CHECK(route(router, "GET", "/v1/batches/%zz").status == 400);

  auto list = router.routes();
  REQUIRE(list.size() == 5);
  CHECK(list[4].method == "GET");
  CHECK(list[4].pattern == "/v1/batches/{batch_id}/trace/backward");
  CHECK(list[4].name == "trace_backward");

  auto& total = reg.counter("agritrace_http_requests_total", "", {"route", "method", "status"});
  CHECK(total.value({"/v1/batches/{batch_id}", "GET", "200"}) == 1);
  CHECK(total.value({"unmatched", "GET", "404"}) == 2);
  CHECK(total.value({"/v1/batches/search", "PUT", "405"}) == 1);
}

TEST_CASE("parse_url") {
  auto u = parse_url("http://127.0.0.1:8080");
  REQUIRE(u.ok());
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 8080);
  CHECK(u->target == "/");
  auto v = parse_url("HTTP://[::1]:9000/v1/x?y=1");
  REQUIRE(v.ok());
  CHECK(v->host == "::1");
  CHECK(v->port == 9000);
  CHECK(v->target == "/v1/x?y=1");
  CHECK(parse_url("http://example.org?q")->target == "/?q");
  CHECK(parse_url("http://example.org")->port == 80);
  CHECK_FALSE(parse_url("https://example.org").ok());
  CHECK_FALSE(parse_url("127.0.0.1:8080").ok());
  CHECK_FALSE(parse_url("http://h:99999").ok());
  CHECK_FALSE(parse_url("http://:80").ok());
}

}  // namespace agritrace::api
