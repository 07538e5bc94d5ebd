// Router: method + path pattern → handler, with path parameters, RFC 9457 404/405 answers and
// automatic request metrics. Patterns are literal segments and whole-segment parameters:
// "/v1/batches/{batch_id}/trace/backward".
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "core/base/env.h"

namespace agritrace::api {

class MetricsRegistry;
class Counter;
class Histogram;

// Decoded path parameters by name; std::less<> allows lookup by string_view.
using PathParams = std::map<std::string, std::string, std::less<>>;

using RouteHandler = std::function<void(const HttpRequest&, const PathParams&, Responder)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string name;  // stable handler name (logs, OpenAPI operationId comparison)
};

// Access control in front of every handler (issue 16): the router asks the guard about each
// matched request before its handler runs, and tells it every answer (for the audit trail).
class RouteGuard {
 public:
  virtual ~RouteGuard() = default;
  // Identifies the caller (sets request.context) and checks the route's policy: nullopt lets the
  // request through to the handler, a response refuses it (401/403 problem+json).
  virtual std::optional<HttpResponse> admit(HttpRequest& request, const RouteInfo& route) = 0;
  // Called once per request as its response is handed over (route null: no route matched).
  virtual void answered(const HttpRequest& request, const RouteInfo* route,
                        const HttpResponse& response) = 0;
};

class Router {
 public:
  // With a registry, records agritrace_http_requests_total{route,method,status} and
  // agritrace_http_request_duration_seconds{route}; route is the pattern (bounded cardinality),
  // "unmatched" for 404s. The registry must outlive the router. Request durations are measured on
  // env's monotonic clock (null: the POSIX Env).
  explicit Router(MetricsRegistry* metrics = nullptr, Env* env = nullptr);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registration happens before serving; a malformed pattern or a duplicate (method, shape)
  // is a programming error and throws std::invalid_argument.
  void add(std::string method, std::string pattern, std::string name, RouteHandler handler);

  // Finds the route and calls it. Unknown path → 404 route_not_found; known path, other method →
  // 405 method_not_allowed with Allow; undecodable path → 400 bad_path; an exception thrown by
  // the handler → 500 internal (unless it had already responded). Thread-safe after setup.
  void dispatch(HttpRequest request, Responder respond) const;

  // Adapter for HttpServer; the router must outlive the server.
  Handler handler() const;

  std::vector<RouteInfo> routes() const;

  // The guard of every route (set before serving; it must outlive the router). Without one every
  // request reaches its handler.
  void set_guard(RouteGuard* guard) { guard_ = guard; }

 private:
  struct Route;
  std::vector<std::unique_ptr<Route>> routes_;
  Counter* requests_total_ = nullptr;
  Histogram* duration_ = nullptr;
  Env* env_;
  RouteGuard* guard_ = nullptr;
};

}  // namespace agritrace::api
