// national agricultural-product traceability platform feed, v1 (issue 14): each goods
// event of an enterprise as one feed record per stage (inbound batch + source, outbound batch +
// destination, production batch), and the push of record ranges to the platform's HTTP endpoint
// (--national-feed-url) with retries on the Env clock. docs/INTERCHANGE.md documents the format.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/service/job_store.h"
#include "core/base/env.h"
#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "core/interchange/epcis.h"
#include "projections/base/view_store.h"

namespace agritrace::api {

inline constexpr std::string_view kNationalFeedVersion = "v1";

// "inbound" (receiving), "outbound" (shipping, retail selling), "production" (batch and code
// commissioning, transformation) or "other".
std::string_view feed_stage(const core::epcis::Event& e);

// An entity of the feed from an EPCIS party URI: {"id_type":"USCC","id":...} for an enterprise,
// {"id_type":"ID_NUMBER","id":<masked>} for a person, {"id_type":"PLATFORM","id":...} otherwise.
// A counterparty of the tenant is looked up in its (masked) counterparty view.
void write_feed_entity(JsonWriter& w, std::string_view party_uri,
                       const projections::ViewStore* views = nullptr);

// One v1 feed record (docs/INTERCHANGE.md "National platform feed"); `cursor` resumes after it.
void write_feed_record(JsonWriter& w, const core::epcis::Event& e, std::string_view tenant,
                       std::string_view cursor, const projections::ViewStore& views);

struct FeedDelivery {
  std::string id;
  std::string tenant;
  std::string after;  // the range: records after this cursor ...
  std::string last;   // ... up to and including this one
  size_t records = 0;
  std::string body;   // the pushed document
  std::string state;  // pending | sent | acknowledged | failed
  int32_t attempts = 0;
  std::string error;  // the last attempt's failure
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t next_attempt_ms = 0;
};

struct FeedPushOptions {
  std::string url;            // http://host:port/path; empty: no push
  int64_t backoff_ms = 1000;  // attempt n waits backoff_ms * 2^(n-1) after a failure
  int32_t max_attempts = 6;   // then the delivery is failed until resent
};

// The deliveries and one worker thread that pushes them, oldest due first. Every delivery is
// recorded in the job store (kind "feed") at each change, with the document it pushes: after a
// restart the deliveries are there again with their state, and a delivery the server had not
// finished (pending, or sent without an answer yet) is resumed — the push carries the delivery id
// as its Idempotency-Key, so the platform recognises a repeated one.
class NationalFeedPusher {
 public:
  NationalFeedPusher(Env& env, FeedPushOptions options, JobStore& store);
  ~NationalFeedPusher();
  NationalFeedPusher(const NationalFeedPusher&) = delete;
  NationalFeedPusher& operator=(const NationalFeedPusher&) = delete;

  bool enabled() const { return !options_.url.empty(); }
  // Where the tenant's next delivery starts: the last cursor of its newest delivery.
  std::string next_after(const std::string& tenant);
  // Queues a delivery; its JSON.
  std::string enqueue(FeedDelivery d);
  // The deliveries as {"deliveries":[...]}: every enterprise's when `tenant` is nullopt.
  std::string json(const std::optional<std::string>& tenant);
  // Pushes the delivery again (attempts restart). Error reason delivery_not_found.
  Result<std::string> resend(const std::optional<std::string>& tenant, const std::string& id);

 private:
  void run();
  static void write(JsonWriter& w, const FeedDelivery& d);
  // Records the delivery (under mu_); a failed write keeps the previous record.
  void record(const FeedDelivery& d);

  Env& env_;
  FeedPushOptions options_;
  JobStore& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t next_id_ = 0;
  std::vector<FeedDelivery> deliveries_;
  std::thread worker_;
};

}  // namespace agritrace::api
