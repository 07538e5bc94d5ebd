// Which ledger partitions this node may append to, and who owns the others (issue 17, R-8).
// Interface agreed in /work/team/nodes-contract.md; the Kafka consumer-group implementation is
// the events layer's (branch `owners`).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace agritrace::events {

// Thread-safe.
class PartitionOwnership {
 public:
  virtual ~PartitionOwnership() = default;
  virtual bool owns(int32_t partition) const = 0;
  // Advertised base URL ("http://127.0.0.1:8081") of the node owning `partition`;
  // nullopt while unknown (rebalance in progress / no owner yet).
  virtual std::optional<std::string> owner_url(int32_t partition) const = 0;
  virtual std::string self_url() const = 0;
};

// Single node (embedded ledger, or `serve` without cluster mode): owns every partition.
std::unique_ptr<PartitionOwnership> own_everything(std::string self_url);

}  // namespace agritrace::events
