// The Kafka side of the regulators' feed (issue 13, "Regulators on Kafka"): one transactional
// producer that writes a batch of CloudEvents to the per-jurisdiction topics together with the
// source ledger position the batch reaches, in ONE Kafka transaction.
//
// Exactly once, restart-safe, on both ledgers: the position is an ordinary record in a
// single-partition topic `<prefix>_position` ({"ledger":...,"next":[o0,o1,...]}), written in the
// same transaction as the events it covers. A crash before the commit leaves neither (the next
// init_transactions aborts the open transaction: read_committed consumers never see it); a crash
// after leaves both. At start the feed reads the newest committed position record back and
// resumes exactly there. sendOffsetsToTransaction would do the same only for a Kafka ledger read
// through a consumer group; the embedded ledger has no group to commit to, so the position lives
// in Kafka beside the output on both. A fixed transactional.id per prefix fences a stale
// feed (an old process still running) out of the topics.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"

namespace agritrace::events {

struct FeedRecord {
  std::string topic;
  std::string key;  // the enterprise: one partition per key keeps its events in order
  std::string value;
};

struct KafkaFeedSinkOptions {
  std::string brokers;                    // "host:port[,host:port]"
  std::string prefix = "agritrace.reg.";  // topics are <prefix><jurisdiction>
  std::string ledger;                     // describe() of the source ledger, kept in the position
  int16_t replication_factor = 1;         // of the topics the sink creates
  int32_t timeout_ms = 10000;             // bound on each Kafka call
  // Extra librdkafka settings, e.g. {"security.protocol","SASL_PLAINTEXT"}, {"sasl.mechanism",...}.
  std::vector<std::pair<std::string, std::string>> client_config;
  Env* env = nullptr;  // monotonic clock of the bounds; null: the POSIX Env
};

class KafkaFeedSink {
 public:
  virtual ~KafkaFeedSink() = default;
  // The source ledger's next offsets the committed output covers; empty before the first batch.
  // kInvalidArgument/`feed_ledger_mismatch` when the position was written for another ledger.
  virtual Result<std::vector<int64_t>> committed_position() = 0;
  // Writes `records` (creating missing topics first) and the position `next`, atomically.
  virtual Status publish(const std::vector<FeedRecord>& records,
                         const std::vector<int64_t>& next) = 0;
  virtual std::string position_topic() const = 0;
};

// Connects, creates the position topic when absent and fences older producers of the prefix.
Result<std::unique_ptr<KafkaFeedSink>> open_kafka_feed_sink(const KafkaFeedSinkOptions& options);

// The transactional.id of the feed of `prefix` (one writer per prefix).
std::string feed_transactional_id(const std::string& prefix);

}  // namespace agritrace::events
