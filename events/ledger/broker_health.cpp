#include "events/ledger/broker_health.h"

#include <cstdio>

namespace agritrace::events {

BrokerHealth::BrokerHealth(std::string brokers)
    : brokers_(std::move(brokers)), several_(brokers_.find(',') != std::string::npos) {}

void BrokerHealth::connection_lost(const std::string& why) {
  if (!several_) {
    down(why);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  lost_ = why;
}

void BrokerHealth::down(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  detail_ = "broker " + brokers_ + " unreachable: " + why;
  if (available_) {
    available_ = false;
    std::fprintf(stderr, "kafka: %s\n", detail_.c_str());
  }
}

void BrokerHealth::up() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!available_) {
    available_ = true;
    std::fprintf(stderr, "kafka: broker %s reachable again\n", brokers_.c_str());
  }
  detail_ = "broker " + brokers_ + " reachable";
  lost_.clear();
}

bool BrokerHealth::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return available_;
}

LedgerHealth BrokerHealth::get() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (available_ && !lost_.empty()) {
    return LedgerHealth{true, detail_ + " (one broker lost: " + lost_ + ")"};
  }
  return LedgerHealth{available_, detail_};
}

std::string BrokerHealth::last_problem() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!available_) return detail_;
  return lost_.empty() ? std::string() : "broker " + brokers_ + ": " + lost_;
}

}  // namespace agritrace::events
