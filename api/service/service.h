// Service: the product's HTTP routes. Commands (POST/PUT) are parsed into core commands and handed
// to the CommandWriter; queries (GET) read the projections' views. Every /v1 route needs an API
// key (Authorization: Bearer ...); a key belongs to one enterprise (tenant) and sees only its
// records. Registering enterprises needs the platform administrator key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http/metrics.h"
#include "api/http/router.h"
#include "api/production/blob_store.h"
#include "api/service/access_control.h"
#include "core/base/env.h"
#include "events/audit/audit_log.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "projections/base/runner.h"
#include "projections/base/view_store.h"

namespace agritrace::events {
class PartitionOwnership;  // events/cluster/partition_ownership.h
}  // namespace agritrace::events

namespace agritrace::api {

class Forwarder;          // api/http/forwarder.h
class JobStore;           // api/service/job_store.h
class PrintLines;         // api/devices/print_lines.h
class RegulatorWebhooks;  // api/regulator/webhooks.h
class ScanLog;            // api/public/scan_log.h

struct ServiceOptions {
  std::string admin_key_sha256;    // hex SHA-256 of the platform administrator's key
  int32_t default_wait_ms = 5000;  // read-your-writes wait when ?after= is given
  int32_t max_wait_ms = 30000;
  uint64_t max_json_body_bytes = 64 * 1024;
  // The server's clock and CSPRNG (API keys, trace-code serials, resolver deadlines). Null: the
  // POSIX Env. It must outlive the Service.
  Env* env = nullptr;
  // True when `serve` runs on a test clock (--clock-offset-days/--clock-start): /healthz says so.
  bool test_clock = false;
  // The print lines pause/resume/cancel requests go to; null: those routes answer 503.
  PrintLines* print_lines = nullptr;
  // The regulators' signed webhooks (issue 13); null: those routes answer 503.
  RegulatorWebhooks* webhooks = nullptr;
  // The audit trail of refused requests, logins and logouts (commands: the writer's audit hook);
  // null: none. It must outlive the Service.
  events::AuditLog* audit = nullptr;
  // Sessions and lock-out (api/service/access_control.h); admin_key_sha256 is copied into it.
  AccessOptions access = {};
  // .P: the merchants' payment notification keys (api/public/payment_notify.h); empty: the
  // notification routes answer 404 merchant_not_configured.
  std::string payment_keys_file = {};
  // Issue 12: the consumer scan log (api/public/scan_log.h); null: scans are not recorded (the
  // read-only serve --views). It must outlive the Service.
  ScanLog* scans = nullptr;
  // the national platform's feed endpoint (http://...); empty: no push deliveries.
  std::string national_feed_url = {};
  int64_t national_feed_backoff_ms = 1000;  // retry n waits this * 2^(n-1) on the Env clock
  int32_t national_feed_max_attempts = 6;
  // Issue 14: the job store of upload jobs, EPCIS capture jobs and national-feed deliveries
  // (<data>/jobs, api/service/job_store.h); null: kept in memory. It must outlive the Service.
  JobStore* jobs = nullptr;
  // complaints: working days to decide acceptance, working days to close an accepted
  // case, and a holiday calendar file replacing the built-in one (api/public/holidays_cn.txt;
  // empty: built-in).
  int32_t complaint_accept_working_days = 7;
  int32_t complaint_handling_working_days = 45;
  std::string holidays_file = {};
  // Issue 17, R-8: several nodes on one Kafka topic. Which ledger partitions this node may append
  // to (null: all of them), and the forwarder that hands a command of another node's partition
  // to its owner (null: such a command answers 503 partition_not_owned). Both must outlive the
  // Service.
  const events::PartitionOwnership* ownership = nullptr;
  Forwarder* forwarder = nullptr;
};

struct RouteKit;  // api/http/route_kit.h

class Service {
 public:
  Service(events::Ledger& ledger, events::CommandWriter& writer,
          projections::ProjectionRunner& runner, projections::ViewStore& views, BlobStore& blobs,
          MetricsRegistry& metrics, ServiceOptions options);
  ~Service();
  void register_routes(Router& router);
  // Requests the HTTP I/O thread may answer itself (HttpServerOptions::inline_when): scans whose
  // page parts are cached at the views' current state (api/public/scan_page.h scan_answer_cached)
  // and the scan page's static style and script.
  // Valid while the service lives, after register_routes.
  std::function<bool(const HttpRequest&)> answers_inline() const;

 private:
  std::unique_ptr<RouteKit> impl_;
};

// A new random API key ("agk_" + 43 base64url chars, 256 bits) and its id.
struct NewApiKey {
  std::string key;
  std::string key_id;
  std::string sha256;
};
// Fails (kInternal `random_failed`) only when the Env's CSPRNG does: never a weaker key.
Result<NewApiKey> generate_api_key(Env& env);
// `prefix` + 43 base64url chars (256 bits from the Env's CSPRNG): session tokens ("ags_").
Result<std::string> random_token(Env& env, std::string_view prefix);

}  // namespace agritrace::api
