// The Ledger: an append-only, partitioned, durable log of event envelopes.
// Two backends: LocalLedger (embedded RocksDB, the default) and KafkaLedger (librdkafka).
// Both pass the same contract suite (tests/events/ledger/ledger_contract_test.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "events/envelope/envelope.h"
#include "core/base/env.h"

namespace agritrace::events {

struct PollResult {
  std::vector<StoredEvent> events;
  // True when, at the time of this poll, the reader had consumed every partition up to its end.
  bool at_end = false;
  // Partitions this poll found consumed up to their end, with the offset of that end (Kafka: the
  // fetch position, past any transaction marker, i.e. the last stable offset then). Filled by
  // the Kafka reader; other backends leave it empty.
  std::vector<Position> ends_reached;
};

// Reads the ledger from given positions onward, in order within each partition.
class LedgerReader {
 public:
  virtual ~LedgerReader() = default;
  // Waits at most timeout_ms for new events; returns up to max_events (possibly none).
  virtual Result<PollResult> poll(int32_t timeout_ms, size_t max_events) = 0;
};

struct LedgerHealth {
  bool available = true;
  std::string detail;  // human readable: broker address, last error...
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  virtual int32_t partition_count() const = 0;
  // Which partition a tenant's events go to: XXH3-64(tenant) mod partition_count. Same on both
  // backends so positions mean the same thing.
  int32_t partition_for(std::string_view tenant) const;

  // Appends every envelope atomically (all or none become visible) and durably (synced / acks=all)
  // before returning; positions[i] is where events[i] landed. Order is kept per partition.
  virtual Status append(const std::vector<Envelope>& events, std::vector<Position>* positions) = 0;

  // Like append(), but all or none per partition only: each partition's events are appended in a
  // transaction of their own, the partitions' transactions concurrently (Kafka with
  // per_partition_writers). `by_partition` gets the outcome of every partition that had events;
  // positions[i] is {-1, -1} for an event whose partition failed. Returns Ok when every one
  // succeeded, else the first failure. Default: one append() for all, its status for each.
  virtual Status append_per_partition(const std::vector<Envelope>& events,
                                      std::vector<Position>* positions,
                                      std::map<int32_t, Status>* by_partition);

  // Partition ownership (issue 17, R-8; Kafka with per_partition_writers): opens the
  // transactional producer of `partition` (id `<transactional_id>.p<N>`), which fences the
  // stale owner's producer and aborts its open transaction, then waits until no transaction is
  // open on the partition (last stable offset = high watermark). Returns that end offset.
  // Appends to a partition not acquired fail kUnavailable `partition_not_owned`.
  // Default: kInternal `ownership_unsupported`.
  // Every wait is bounded by the ledger's timeout; with `cancel`, it also ends (kUnavailable
  // `acquisition_cancelled`) within about half a second of *cancel becoming true.
  virtual Result<int64_t> acquire_partition(int32_t partition,
                                            const std::atomic<bool>* cancel = nullptr);
  // Drops the partition's producer (after the writer finished its in-flight group).
  virtual void release_partition(int32_t partition);
  // Whether the partition's producer is still held: false once it was released or fenced (an
  // append found that another node acquired the partition). Default: true (one writer).
  virtual bool holds_partition(int32_t partition) const;
  // Appends one record (`key`, `value`) to partition 0 of `topic` in a transaction of
  // `partition`'s producer, within timeout_ms: fenced like the partition's events, so once
  // another node has acquired the partition nothing this node writes there becomes visible.
  // Several nodes announce the partitions they own this way (events/cluster/kafka_ownership.h).
  // kUnavailable `partition_not_owned` when the producer is not held (or was just fenced).
  // Default: kInternal `ownership_unsupported`.
  virtual Status append_fenced_record(int32_t partition, const std::string& topic,
                                      const std::string& key, const std::string& value,
                                      int32_t timeout_ms);

  // A reader that starts at next_offsets[p] for partition p (missing entries start at 0).
  virtual Result<std::unique_ptr<LedgerReader>> open_reader(
      const std::vector<int64_t>& next_offsets) = 0;

  // The next offset that would be written, per partition.
  virtual Result<std::vector<int64_t>> end_offsets() = 0;

  // The newest signed checkpoint of the chain heads, kept inside the ledger as well as in the
  // checkpoint log (events/integrity/checkpoint.h). Not an event: it changes no position, hash or
  // view. Backends without a place for it answer kInternal `checkpoint_unsupported` /
  // an empty string.
  virtual Status store_checkpoint(std::string_view text);
  virtual Result<std::string> load_checkpoint();

  virtual LedgerHealth health() const = 0;
  virtual std::string describe() const = 0;  // "embedded:/path" or "kafka:host:port/topic"
};

struct LocalLedgerOptions {
  std::string path;             // RocksDB directory
  int32_t partitions = 4;       // used at creation; an existing ledger keeps its own count
  bool read_only = false;       // replay/verify while no server holds the ledger
};
Result<std::unique_ptr<Ledger>> open_local_ledger(const LocalLedgerOptions& options);

struct KafkaLedgerOptions {
  std::string brokers;               // "host:port[,host:port]"
  std::string topic = "agritrace.events";
  int32_t partitions = 4;            // used when the topic is created
  int16_t replication_factor = 1;    // used when the topic is created
  std::string transactional_id;      // the single writer's id; empty => read-only ledger
  // Several writer nodes (issue 17): transactional_id is a prefix, partition N is written by a
  // producer of its own with id `<transactional_id>.p<N>`, opened by acquire_partition(N).
  // False: one producer with id transactional_id writes every partition (one writer only).
  bool per_partition_writers = false;
  int32_t timeout_ms = 10000;        // bound on append and admin calls
  Env* env = nullptr;                // monotonic clock of the bounds; null: the POSIX Env
};
Result<std::unique_ptr<Ledger>> open_kafka_ledger(const KafkaLedgerOptions& options);

}  // namespace agritrace::events
