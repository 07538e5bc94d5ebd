#include "api/http/router.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "api/http/metrics.h"
#include "api/http/principal.h"
#include "api/http/problem.h"
#include "events/env/posix_env.h"

namespace agritrace::api {

namespace {

struct Segment {
  bool param = false;
  std::string text;  // literal text, or the parameter name
};

std::vector<Segment> parse_pattern(const std::string& pattern) {
  auto raw = split_path(pattern);
  if (!raw.ok()) throw std::invalid_argument("route pattern must start with '/': " + pattern);
  std::vector<Segment> segs;
  for (auto& s : *raw) {
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
      std::string name = s.substr(1, s.size() - 2);
      if (name.empty() || name.find_first_of("{}") != std::string::npos) {
        throw std::invalid_argument("bad parameter in route pattern: " + pattern);
      }
      segs.push_back({true, std::move(name)});
    } else {
      if (s.find_first_of("{}") != std::string::npos) {
        throw std::invalid_argument("parameters must be whole segments: " + pattern);
      }
      segs.push_back({false, s});
    }
  }
  return segs;
}

// Methods outside this set share one label value so clients cannot grow the series count.
std::string_view method_label(std::string_view m) {
  static constexpr std::string_view kKnown[] = {"GET",    "HEAD",    "POST", "PUT",
                                                "DELETE", "OPTIONS", "PATCH"};
  for (auto k : kKnown) {
    if (m == k) return k;
  }
  return "other";
}

}  // namespace

struct Router::Route {
  RouteInfo info;
  std::vector<Segment> segments;
  RouteHandler handler;

  bool matches(const std::vector<std::string>& path, PathParams* params) const {
    if (path.size() != segments.size()) return false;
    for (size_t i = 0; i < path.size(); ++i) {
      if (segments[i].param) {
        if (path[i].empty()) return false;  // "/v1/batches//trace" names no batch
        if (params) params->emplace(segments[i].text, path[i]);
      } else if (segments[i].text != path[i]) {
        return false;
      }
    }
    return true;
  }

  // Lower wins: a literal segment beats a parameter at the first position where they differ, so
  // "/v1/batches/search" is preferred over "/v1/batches/{batch_id}".
  bool more_specific_than(const Route& other) const {
    for (size_t i = 0; i < segments.size() && i < other.segments.size(); ++i) {
      if (segments[i].param != other.segments[i].param) return !segments[i].param;
    }
    return false;
  }
};

Router::Router(MetricsRegistry* metrics, Env* env) : env_(env != nullptr ? env : &events::posix_env()) {
  if (metrics) {
    requests_total_ = &metrics->counter("agritrace_http_requests_total",
                                        "HTTP requests answered, by route pattern, method and status.",
                                        {"route", "method", "status"});
    duration_ = &metrics->histogram("agritrace_http_request_duration_seconds",
                                    "Time from routing a request to handing over its response.",
                                    {"route"});
  }
}

Router::~Router() = default;

void Router::add(std::string method, std::string pattern, std::string name, RouteHandler handler) {
  auto route = std::make_unique<Route>();
  route->segments = parse_pattern(pattern);
  for (const auto& r : routes_) {
    if (r->info.method != method || r->segments.size() != route->segments.size()) continue;
    bool same_shape = true;
    for (size_t i = 0; i < r->segments.size() && same_shape; ++i) {
      const auto& a = r->segments[i];
      const auto& b = route->segments[i];
      same_shape = a.param == b.param && (a.param || a.text == b.text);
    }
    if (same_shape) {
      throw std::invalid_argument("duplicate route " + method + " " + pattern + " (already " +
                                  r->info.pattern + ")");
    }
  }
  route->info = RouteInfo{std::move(method), std::move(pattern), std::move(name)};
  route->handler = std::move(handler);
  routes_.push_back(std::move(route));
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) out.push_back(r->info);
  return out;
}

Handler Router::handler() const {
  return [this](HttpRequest req, Responder respond) { dispatch(std::move(req), std::move(respond)); };
}

void Router::dispatch(HttpRequest request, Responder respond) const {
  // Wraps the responder once: records metrics when the response is handed over and ignores a
  // second call (a handler that answered and then threw).
  struct State {
    std::atomic<bool> done{false};
    int64_t start_ns = 0;  // on the Env's monotonic clock
    std::string route;
    std::string method;
    Responder respond;
    const RouteInfo* info = nullptr;  // the matched route
    std::shared_ptr<const HttpRequest> request;  // for the guard's audit (null without a guard)
  };
  auto state = std::make_shared<State>();
  state->start_ns = env_->monotonic_ns();
  state->method = std::string(method_label(request.method));
  state->respond = std::move(respond);
  Counter* requests_total = requests_total_;
  Histogram* duration = duration_;
  RouteGuard* guard = guard_;
  auto finish = [state, requests_total, duration, guard, env = env_](HttpResponse res) {
    if (state->done.exchange(true)) return;
    if (guard && state->request) guard->answered(*state->request, state->info, res);
    if (requests_total) {
      requests_total->inc({state->route, state->method, std::to_string(res.status)});
    }
    if (duration) {
      const double secs = static_cast<double>(env->monotonic_ns() - state->start_ns) / 1e9;
      duration->observe({state->route}, secs);
    }
    state->respond(std::move(res));
  };

  if (guard_) {
    request.context = std::make_shared<RequestContext>();
  }
  // What the guard's answered() sees: the request line, the peer and the context, not the body.
  auto keep_request = [&] {
    if (!guard_) return;
    auto seen = std::make_shared<HttpRequest>();
    seen->method = request.method;
    seen->target = request.target;
    seen->path = request.path;
    seen->remote_address = request.remote_address;
    seen->request_id = request.request_id;
    seen->context = request.context;
    state->request = std::move(seen);
  };

  auto path = split_path(request.path);
  if (!path.ok()) {
    keep_request();
    state->route = "unmatched";
    finish(problem_response(400, "bad_path", path.error().message));
    return;
  }

  const Route* best = nullptr;
  PathParams params;
  std::vector<std::string> allowed;
  // HEAD is answered by the GET route of the path (RFC 9110 section 9.3.2); the server sends the
  // headers and the length of the GET answer without its body.
  const bool head = request.method == "HEAD";
  for (const auto& r : routes_) {
    if (!r->matches(*path, nullptr)) continue;
    allowed.push_back(r->info.method);
    if (r->info.method == "GET") allowed.emplace_back("HEAD");
    if (r->info.method != request.method && !(head && r->info.method == "GET")) continue;
    if (!best || r->more_specific_than(*best)) best = r.get();
  }
  if (!best && allowed.empty()) {
    keep_request();
    state->route = "unmatched";
    finish(problem_response(404, "route_not_found", "no route for " + request.path));
    return;
  }
  if (!best) {
    keep_request();
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const auto& m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    // Label 405s with the most specific pattern of the path so the series stay bounded.
    const Route* any = nullptr;
    for (const auto& r : routes_) {
      if (r->matches(*path, nullptr) && (!any || r->more_specific_than(*any))) any = r.get();
    }
    state->route = any->info.pattern;
    HttpResponse res = problem_response(
        405, "method_not_allowed", request.method + " is not allowed on " + request.path);
    res.headers.emplace_back("Allow", allow);
    finish(std::move(res));
    return;
  }

  best->matches(*path, &params);
  state->route = best->info.pattern;
  state->info = &best->info;
  if (guard_) {
    std::optional<HttpResponse> refused = guard_->admit(request, best->info);
    keep_request();
    if (refused) return finish(std::move(*refused));
  }
  Responder responder = finish;
  try {
    best->handler(request, params, responder);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agritrace: handler %s threw (request %s): %s\n",
                 best->info.name.c_str(), request.request_id.c_str(), e.what());
    responder(problem_response(500, "internal", "unexpected error while handling the request"));
  } catch (...) {
    std::fprintf(stderr, "agritrace: handler %s threw a non-exception (request %s)\n",
                 best->info.name.c_str(), request.request_id.c_str());
    responder(problem_response(500, "internal", "unexpected error while handling the request"));
  }
}

}  // namespace agritrace::api
