// AppendedPositions: what the resolver waits for before answering a scan (read-your-writes for the
// public, R-4.2.5), kept per enterprise so a scan waits only for its own code's enterprise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "events/envelope/envelope.h"

namespace agritrace::api {

// The newest ledger position this process has acknowledged, per partition: the resolver waits
// for the views to reach these before answering, so a code disabled by an acknowledged command
// answers 410 at the very next scan.
// Kept per enterprise too, so the resolver of one enterprise's code waits only for that
// enterprise's writes (another tenant's heavy writing does not delay its scans).
class AppendedPositions {
 public:
  void note(const std::string& tenant, const events::Position& p) {
    std::lock_guard lock(mu_);
    raise(offsets_, p);
    raise(by_tenant_[tenant], p);
  }
  // Every enterprise's.
  std::vector<events::Position> snapshot() const {
    std::lock_guard lock(mu_);
    return positions(offsets_);
  }
  // One enterprise's (empty when this process acknowledged none of its commands).
  std::vector<events::Position> snapshot(const std::string& tenant) const {
    std::lock_guard lock(mu_);
    auto it = by_tenant_.find(tenant);
    return it == by_tenant_.end() ? std::vector<events::Position>() : positions(it->second);
  }

 private:
  static void raise(std::vector<int64_t>& offsets, const events::Position& p) {
    const auto i = static_cast<size_t>(p.partition);
    if (offsets.size() <= i) offsets.resize(i + 1, -1);
    if (p.offset > offsets[i]) offsets[i] = p.offset;
  }
  static std::vector<events::Position> positions(const std::vector<int64_t>& offsets) {
    std::vector<events::Position> out;
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (offsets[i] >= 0) out.push_back(events::Position{static_cast<int32_t>(i), offsets[i]});
    }
    return out;
  }
  mutable std::mutex mu_;
  std::vector<int64_t> offsets_;
  std::map<std::string, std::vector<int64_t>, std::less<>> by_tenant_;
};

}  // namespace agritrace::api
