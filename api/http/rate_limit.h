// RateLimiter: token buckets per API key and per source address, on the Env's monotonic clock.
// A request over either budget is answered 429 too_many_requests (problem+json) with Retry-After
// in whole seconds, before any route runs. The limiter decides how much, never who may: every
// caller gets the same budget.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http/http_types.h"
#include "core/base/env.h"

namespace agritrace::api {

struct RateLimit {
  double per_second = 0;  // refill rate; 0 disables this limit
  double burst = 0;       // bucket size: requests allowed at once after a quiet spell
};

struct RateLimitOptions {
  RateLimit per_key{1000, 2000};     // per API key (Authorization: Bearer / X-API-Key)
  RateLimit per_address{2000, 4000};  // per source IP, whether or not it sends a key
  size_t max_tracked = 100'000;     // buckets kept per kind; full (idle) ones are dropped first
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options, Env& env);

  // Takes one token from the request's address bucket and, if it names a key, from the key's.
  // Nullopt: admitted. Otherwise the whole seconds after which a retry can succeed (>= 1); no
  // token is taken then.
  std::optional<int64_t> admit(const HttpRequest& req);

  // The handler behind the limiter: a refused request gets 429 with Retry-After.
  Handler wrap(Handler inner);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_ns = 0;
  };
  using Buckets = std::unordered_map<std::string, Bucket>;
  // Refills b to now; the seconds to wait for one token, or 0 when one is there.
  static double refill(Bucket& b, const RateLimit& limit, int64_t now_ns);
  Bucket& bucket(Buckets& buckets, const std::string& id, const RateLimit& limit, int64_t now_ns);

  const RateLimitOptions options_;
  Env& env_;
  std::mutex mu_;
  Buckets by_key_;
  Buckets by_address_;
};

// The peer IP of "ip:port" / "[v6]:port" (what a per-address limit counts).
std::string_view address_of(std::string_view remote_address);

// The API key a request presents (Bearer or X-API-Key), empty when none.
std::string_view presented_key(const HttpRequest& req);

}  // namespace agritrace::api
