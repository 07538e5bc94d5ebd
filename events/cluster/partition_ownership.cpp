#include "events/cluster/partition_ownership.h"

namespace agritrace::events {
namespace {

class OwnEverything final : public PartitionOwnership {
 public:
  explicit OwnEverything(std::string self) : self_(std::move(self)) {}
  bool owns(int32_t) const override { return true; }
  std::optional<std::string> owner_url(int32_t) const override { return self_; }
  std::string self_url() const override { return self_; }

 private:
  std::string self_;
};

}  // namespace

std::unique_ptr<PartitionOwnership> own_everything(std::string self_url) {
  return std::make_unique<OwnEverything>(std::move(self_url));
}

}  // namespace agritrace::events
