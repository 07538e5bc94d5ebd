#pragma once

#include <mutex>
#include <string>

#include "events/ledger/ledger.h"

namespace agritrace::events {

// Whether the Kafka brokers can be reached, shared by a ledger's producer and its readers'
// consumers. Logs once per change of state so a dead broker does not flood stderr.
//
// One broker's lost connection makes the ledger unavailable only when it is the only broker:
// with several, the others take over its partitions (librdkafka moves to the new leaders), so a
// transport error of one of them is noted for the detail and nothing more. The ledger is down when
// librdkafka reports every broker down, or when a single-broker ledger loses its broker.
class BrokerHealth {
 public:
  explicit BrokerHealth(std::string brokers);

  // A connection to one broker failed or dropped (librdkafka's _TRANSPORT, _RESOLVE, or a fetch
  // error of one partition).
  void connection_lost(const std::string& why);
  // No broker can be reached (librdkafka's _ALL_BROKERS_DOWN, or a request that found none).
  void down(const std::string& why);
  // A request was answered.
  void up();

  bool available() const;
  LedgerHealth get() const;
  // Why the brokers are unreachable, or the last broker lost while the others serve; empty when
  // nothing went wrong since the last answer.
  std::string last_problem() const;
  const std::string& brokers() const { return brokers_; }
  // Several bootstrap addresses: a cluster, where one broker's loss is not the ledger's.
  bool several_brokers() const { return several_; }

 private:
  const std::string brokers_;
  const bool several_;
  mutable std::mutex mu_;
  bool available_ = true;
  std::string detail_;
  std::string lost_;  // the last broker connection lost while the ledger stayed available
};

}  // namespace agritrace::events
