// Partition ownership among several `agritrace serve` nodes on one Kafka topic (issue 17, R-8).
// A node may append only to the partitions it owns; the command writer refuses a command whose
// tenant's partition (Ledger::partition_for) it does not own with kUnavailable
// `partition_not_owned`, and the api layer forwards such a command to owner_url().
//
// Two implementations: own_everything() (the embedded ledger, tools, a lone serve without
// cluster mode) and KafkaOwnership (events/cluster/kafka_ownership.h: a Kafka consumer group
// `agritrace-writers.<topic>` assigns the partitions, a transactional producer per owned
// partition fences a stale owner).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace agritrace::events {

// Which partitions this node may append to, and who owns the others. Thread-safe.
class PartitionOwnership {
 public:
  virtual ~PartitionOwnership() = default;
  virtual bool owns(int32_t partition) const = 0;
  // Advertised base URL ("http://127.0.0.1:8081") of the node owning `partition`; nullopt while
  // unknown (rebalance in progress / no owner yet). self_url() when this node owns it.
  virtual std::optional<std::string> owner_url(int32_t partition) const = 0;
  virtual std::string self_url() const = 0;
  // The partitions this node owns right now, ascending (metrics, /healthz, tests).
  virtual std::vector<int32_t> owned_partitions() const = 0;
};

// Single node (embedded ledger, or `serve` without cluster mode): owns every partition.
std::unique_ptr<PartitionOwnership> own_everything(std::string self_url = {});

// What the ownership manager asks of the node's command writer when partitions move. The
// CommandWriter implements it (events/writer/command_writer.h).
class PartitionHandover {
 public:
  virtual ~PartitionHandover() = default;
  // Before `partition` is marked owned: fold it at least up to `end_offset` (its last stable
  // offset, taken after the stale owner was fenced), within timeout_ms.
  virtual Status catch_up(int32_t partition, int64_t end_offset, int32_t timeout_ms) = 0;
  // After partitions were marked not owned: returns once the group being decided/appended (if
  // any) is finished, so nothing more is appended to them by this node.
  virtual void quiesce() = 0;
};

}  // namespace agritrace::events
