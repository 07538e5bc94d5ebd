// Signed webhook delivery of the regulators' feed (issue 13, docs/REGULATOR-FEED.md), for bureaus
// that cannot run a Kafka client. A webhook is an HTTP endpoint and a shared secret registered for
// one jurisdiction; every CloudEvent of that jurisdiction (the same bytes as its Kafka topic) is
// POSTed to it, one at a time and in ledger order, with
//   Content-Type: application/cloudevents+json
//   X-AgriTrace-Event-Id: <event id>           (at-least-once: de-duplicate on it)
//   X-AgriTrace-Timestamp: <Unix seconds>      (the Env clock at the attempt)
//   X-AgriTrace-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
// Any 2xx acknowledges it; anything else (or no answer) is retried after an exponential back-off
// on the Env clock (base, 2 x base, 4 x base... capped). The position after the last acknowledged
// event is kept durably in DATA/regulator-webhooks/, so a restart resends at most that one event.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/ledger/ledger.h"
#include "events/pii/pii_vault.h"

namespace agritrace::api {

struct WebhookOptions {
  std::string dir;                      // DATA/regulator-webhooks: registrations and positions
  int64_t retry_base_ms = 1000;         // first back-off
  int64_t retry_max_ms = 300'000;       // back-off cap
  int64_t attempt_timeout_ms = 10'000;  // bound of one POST
};

// What GET /v1/regulator/webhooks shows (never the secret).
struct WebhookView {
  std::string id;
  std::string jurisdiction;
  std::string url;
  int64_t created_at_ms = 0;
  uint64_t delivered = 0;        // acknowledged events
  std::vector<int64_t> next;     // the ledger position after the last acknowledged one
  std::string pending_event_id;  // the event being delivered, empty when caught up
  uint32_t attempts = 0;         // failed attempts of the pending event
  int32_t last_status = 0;       // HTTP status of the last attempt (0: no answer)
  std::string last_error;
  int64_t next_attempt_at_ms = 0;  // Env clock, when a retry is waiting
  std::string to_json() const;
};

class RegulatorWebhooks {
 public:
  RegulatorWebhooks(events::Ledger& ledger, const events::PiiVault* pii, Env& env,
                    WebhookOptions options);
  ~RegulatorWebhooks();
  RegulatorWebhooks(const RegulatorWebhooks&) = delete;
  RegulatorWebhooks& operator=(const RegulatorWebhooks&) = delete;

  // Loads the registrations and starts delivering.
  Status start();
  void stop();

  // Validates and registers (kInvalidArgument with the field: jurisdiction, url, secret).
  Result<WebhookView> add(const std::string& jurisdiction, const std::string& url,
                          const std::string& secret);
  std::vector<WebhookView> list() const;
  std::optional<WebhookView> get(const std::string& id) const;

 private:
  struct Hook;
  Status save_registrations();  // under mu_
  void deliver_loop(Hook* hook);
  // Waits until `at_ms` on the Env clock or stop; false when stopping.
  bool wait_until(int64_t at_ms);

  events::Ledger& ledger_;
  const events::PiiVault* pii_;
  Env& env_;
  WebhookOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, std::unique_ptr<Hook>> hooks_;
};

// The signature header's value for `body` sent at `timestamp` (Unix seconds).
std::string webhook_signature(const std::string& secret, int64_t timestamp,
                              const std::string& body);

}  // namespace agritrace::api
