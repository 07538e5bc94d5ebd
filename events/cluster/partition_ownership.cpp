#include "events/cluster/partition_ownership.h"

#include <utility>

namespace agritrace::events {
namespace {

class OwnEverything final : public PartitionOwnership {
 public:
  explicit OwnEverything(std::string self_url) : self_url_(std::move(self_url)) {}
  bool owns(int32_t /*partition*/) const override { return true; }
  std::optional<std::string> owner_url(int32_t /*partition*/) const override { return self_url_; }
  std::string self_url() const override { return self_url_; }
  std::vector<int32_t> owned_partitions() const override { return {}; }  // all of them

 private:
  const std::string self_url_;
};

}  // namespace

std::unique_ptr<PartitionOwnership> own_everything(std::string self_url) {
  return std::make_unique<OwnEverything>(std::move(self_url));
}

}  // namespace agritrace::events
