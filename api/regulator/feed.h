// The regulators' Kafka feed (issue 13, "Regulators on Kafka"; docs/REGULATOR-FEED.md): the
// server reads its own ledger and publishes, for every event of an enterprise, a CloudEvents 1.0
// record (personal data masked as for a non-owner) to the topic of every jurisdiction that
// contains the enterprise's division: <prefix><county>, <prefix><prefecture>,
// <prefix><province> and <prefix>GBA for the Greater Bay Area. Exactly once and restart-safe
// through events/regulator/feed_sink.h (output and source position in one Kafka transaction);
// in order per enterprise (one partition per topic, the ledger's per-tenant order kept).
// Runs beside the writer on both ledgers (`serve --regulator-feed-kafka BROKERS`).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/base/env.h"
#include "events/envelope/envelope.h"
#include "events/ledger/ledger.h"
#include "events/pii/pii_vault.h"
#include "events/regulator/feed_sink.h"

namespace agritrace::api {

// The jurisdictions whose feed carries the events of an enterprise in `division` (a GB/T 2260
// code): the division and every division above it, plus "GBA" when it lies in the Greater Bay
// Area. Empty for an empty (unknown) division.
std::vector<std::string> feed_jurisdictions(std::string_view division);

// The division of an enterprise's free-text region (the shipped division table), "" when unknown.
std::string division_of_region(std::string_view region);

// The CloudEvent a regulator receives for `e` of an enterprise in `division`, or none for events
// regulators never receive (user accounts and API keys: credential hashes). Personal data as a
// non-owner sees it: individuals' names, ID numbers and phones masked; the enterprise's own API
// key hash left out. `pii` opens sealed values (null: they read "[sealed]").
std::optional<std::string> regulator_cloudevent(const events::Envelope& e,
                                                const events::PiiVault* pii,
                                                std::string_view division);

// Follows the ledger from its start, learning each enterprise's division from its registration,
// and yields the events at or after `from` of enterprises whose division is known, as their
// regulator CloudEvent with the jurisdictions that receive it. Events before `from` only teach
// divisions (the same answer on every run: the ledger's per-tenant order is fixed). Shared by the
// Kafka feed and the webhook deliveries.
class JurisdictionFollower {
 public:
  struct Item {
    events::Position position;
    std::string tenant;
    std::string event_id;
    std::string cloudevent;
    std::vector<std::string> jurisdictions;
  };
  struct Batch {
    std::vector<Item> items;
    std::vector<int64_t> next;  // the position after this batch (never before `from`)
    bool advanced = false;      // events at or after `from` were read (published or not)
    bool at_end = false;
  };

  JurisdictionFollower(events::Ledger& ledger, const events::PiiVault* pii);
  Status open(std::vector<int64_t> from);
  Result<Batch> poll(int32_t timeout_ms, size_t max_events);

 private:
  events::Ledger& ledger_;
  const events::PiiVault* pii_;
  std::unique_ptr<events::LedgerReader> reader_;
  std::unordered_map<std::string, std::string> division_of_;  // tenant -> division code
  std::vector<int64_t> from_;
  std::vector<int64_t> next_;
};

struct RegulatorFeedOptions {
  events::KafkaFeedSinkOptions sink;
  const events::PiiVault* pii = nullptr;
  Env* env = nullptr;         // the monotonic clock of retries; null: the POSIX Env
  size_t batch_events = 500;  // ledger events per transaction (at most)
  int32_t retry_ms = 1000;    // wait after a Kafka failure before starting over
};

struct RegulatorFeedStatus {
  bool connected = false;
  uint64_t published = 0;     // CloudEvent records committed by this process
  std::vector<int64_t> next;  // the committed source position
  std::string last_error;     // empty when the last attempt succeeded
};

class RegulatorFeed {
 public:
  RegulatorFeed(events::Ledger& ledger, RegulatorFeedOptions options);
  ~RegulatorFeed();
  RegulatorFeed(const RegulatorFeed&) = delete;
  RegulatorFeed& operator=(const RegulatorFeed&) = delete;

  void start();
  void stop();  // waits for the feed thread; an open transaction is aborted or committed
  RegulatorFeedStatus status() const;

 private:
  void run();
  Status run_once();  // connect, read the position, follow the ledger; returns on failure/stop
  void set_error(const Status& s);

  events::Ledger& ledger_;
  RegulatorFeedOptions options_;
  Env& env_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  RegulatorFeedStatus status_;
  std::thread thread_;
};

}  // namespace agritrace::api
