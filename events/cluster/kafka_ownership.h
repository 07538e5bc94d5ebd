// KafkaOwnership: partition ownership by a Kafka consumer group (issue 17, R-8).
//
// Each writer node joins the group `agritrace-writers.<topic>` subscribed to the events topic
// (cooperative-sticky assignment, the assigned partitions are paused: the group only assigns,
// the ledger reader does the reading). Its assignment is the set of partitions it may own.
// librdkafka's rebalance callback makes no broker round trip:
//  - on assignment of p: p is recorded for the acquirer threads; one of them (with bounded waits,
//    retried every 0.5 s while p stays assigned; cancelled by stop()) calls
//    Ledger::acquire_partition(p) (init_transactions with the transactional id `<prefix>.p<N>`:
//    fences the stale owner's producer and aborts its open transaction; waits until no
//    transaction is open on p), then PartitionHandover::catch_up(p, end) (the writer folds p up
//    to its end), then marks p owned and announces it (below). An acquisition that finishes
//    after p was revoked releases what it acquired.
//  - on revocation (or loss) of p: p is marked not owned at once (new commands are refused
//    `partition_not_owned`), PartitionHandover::quiesce() waits for the in-flight group, then
//    Ledger::release_partition(p) drops p's producer.
//  - a partition owned here whose producer the ledger dropped because it was fenced (another
//    node's acquisition still under way when the group moved p here) is acquired again.
// Who owns the other partitions: after acquiring p, a node appends (p -> its advertised URL) to
// the compacted topic `<topic>.owners` (1 partition) in a transaction of p's own producer, so it
// is fenced like p's events: a stale owner's announcement can never follow the new owner's.
// Every node reads that topic from its beginning; owner_url() answers from it. (Not the group's
// description: librdkafka 2.0.2 aborts the process in rd_kafka_enq_once_del_source_return when
// a coordinator-bound admin request such as DescribeConsumerGroups loses its connection — a
// broker killed — upstream librdkafka PR #5397.)
// A dead node's partitions move after session_timeout_ms; a node that stops leaves the group, so
// its partitions move at once (within a bounded wait when the coordinator is unreachable).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/base/env.h"
#include "core/base/status.h"
#include "events/cluster/partition_ownership.h"
#include "events/ledger/ledger.h"

namespace agritrace::events {

struct KafkaOwnershipOptions {
  std::string brokers;                 // as the ledger's
  std::string topic;                   // the ledger topic; group `agritrace-writers.<topic>`
  std::string self_url;                // this node's advertised base URL (the member's client.id)
  int32_t session_timeout_ms = 6000;   // a dead node's partitions move after this
  int32_t heartbeat_interval_ms = 1000;
  int16_t replication_factor = -1;     // of `<topic>.owners` when created; -1: the brokers' default
  int32_t timeout_ms = 10000;          // bound of one acquisition's catch-up
  Env* env = nullptr;                  // null: the POSIX Env
};

class KafkaOwnership : public PartitionOwnership {
 public:
  // Not started: the writer needs the ownership at its start, the ownership needs the writer.
  // `ledger` must be a Kafka ledger opened with per_partition_writers.
  static Result<std::unique_ptr<KafkaOwnership>> create(Ledger& ledger,
                                                        KafkaOwnershipOptions options);
  // Joins the group; partitions are acquired as they are assigned (asynchronously).
  virtual Status start(PartitionHandover& writer) = 0;
  // Leaves the group (its partitions move to the other nodes at once) and releases every
  // producer; returns within seconds even with a broker (or the group coordinator) dead.
  // Idempotent; call before stopping the writer.
  virtual void stop() = 0;
  // Tests: stops like a crashed node: no LeaveGroup (its partitions move to the other nodes
  // after session_timeout_ms), producers dropped.
  virtual void abandon() = 0;
  // Blocks until the owned partitions differ from `seen` or timeout_ms passed; returns them
  // (tests and tools wait on a handover with this instead of polling).
  virtual std::vector<int32_t> wait_owned_change(const std::vector<int32_t>& seen,
                                                 int32_t timeout_ms) const = 0;
};

}  // namespace agritrace::events
