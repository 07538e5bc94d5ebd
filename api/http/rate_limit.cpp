#include "api/http/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "api/http/problem.h"
#include "core/base/digest.h"

namespace agritrace::api {

std::string_view address_of(std::string_view remote_address) {
  if (!remote_address.empty() && remote_address.front() == '[') {
    const size_t close = remote_address.find(']');
    return close == std::string_view::npos ? remote_address : remote_address.substr(1, close - 1);
  }
  const size_t colon = remote_address.rfind(':');
  return colon == std::string_view::npos ? remote_address : remote_address.substr(0, colon);
}

std::string_view presented_key(const HttpRequest& req) {
  constexpr std::string_view kBearer = "Bearer ";
  if (auto auth = req.header("Authorization"); auth && auth->starts_with(kBearer)) {
    return auth->substr(kBearer.size());
  }
  return req.header("X-API-Key").value_or(std::string_view());
}

RateLimiter::RateLimiter(RateLimitOptions options, Env& env) : options_(options), env_(env) {}

double RateLimiter::refill(Bucket& b, const RateLimit& limit, int64_t now_ns) {
  const double elapsed = static_cast<double>(std::max<int64_t>(0, now_ns - b.at_ns)) / 1e9;
  b.tokens = std::min(limit.burst, b.tokens + elapsed * limit.per_second);
  b.at_ns = now_ns;
  return b.tokens >= 1.0 ? 0.0 : (1.0 - b.tokens) / limit.per_second;
}

RateLimiter::Bucket& RateLimiter::bucket(Buckets& buckets, const std::string& id, const RateLimit& limit,
                                         int64_t now_ns) {
  auto it = buckets.find(id);
  if (it != buckets.end()) return it->second;
  if (buckets.size() >= options_.max_tracked) {
    // Forget the buckets that have refilled: they hold no information.
    std::erase_if(buckets, [&](auto& entry) {
      Bucket copy = entry.second;
      refill(copy, limit, now_ns);
      return copy.tokens >= limit.burst;
    });
  }
  return buckets.emplace(id, Bucket{limit.burst, now_ns}).first->second;
}

std::optional<int64_t> RateLimiter::admit(const HttpRequest& req) {
  const int64_t now = env_.monotonic_ns();
  const std::string_view key = presented_key(req);
  std::lock_guard lock(mu_);
  Bucket* address = nullptr;
  Bucket* keyed = nullptr;
  double wait = 0;
  if (options_.per_address.per_second > 0) {
    address = &bucket(by_address_, std::string(address_of(req.remote_address)), options_.per_address, now);
    wait = std::max(wait, refill(*address, options_.per_address, now));
  }
  if (options_.per_key.per_second > 0 && !key.empty()) {
    // Keys are secrets: the limiter keeps their digests only.
    keyed = &bucket(by_key_, core::sha256_hex(key), options_.per_key, now);
    wait = std::max(wait, refill(*keyed, options_.per_key, now));
  }
  if (wait > 0) return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait)));
  if (address != nullptr) address->tokens -= 1.0;
  if (keyed != nullptr) keyed->tokens -= 1.0;
  return std::nullopt;
}

Handler RateLimiter::wrap(Handler inner) {
  return [this, inner = std::move(inner)](HttpRequest req, Responder respond) {
    if (auto retry_after = admit(req)) {
      HttpResponse r = problem_response(429, "too_many_requests",
                                        "request rate limit reached for this API key or address; retry after " +
                                            std::to_string(*retry_after) + " s");
      r.headers.emplace_back("Retry-After", std::to_string(*retry_after));
      return respond(std::move(r));
    }
    inner(std::move(req), std::move(respond));
  };
}

}  // namespace agritrace::api
