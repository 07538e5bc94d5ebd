// how the Kafka ledger judges its brokers. On a cluster, one broker's lost connection is not
// the ledger's loss (the other brokers lead its partitions after an election); a fresh writer that
// folds the topic while one broker of three is dead must not answer ledger_unavailable.
#include "events/ledger/broker_health.h"

#include <doctest/doctest.h>

namespace agritrace::testing {
namespace {

TEST_CASE("broker health R-8: one broker lost of several leaves the ledger available") {
  events::BrokerHealth health("127.0.0.1:19592,127.0.0.1:19594,127.0.0.1:19596");
  CHECK(health.several_brokers());
  health.connection_lost("127.0.0.1:19592/1: Connect failed: Connection refused");
  CHECK(health.available());
  const events::LedgerHealth h = health.get();
  CHECK(h.available);
  // The lost broker is named for whoever reads /healthz or an error's detail.
  CHECK(h.detail.find("19592/1: Connect failed") != std::string::npos);
  CHECK(health.last_problem().find("Connection refused") != std::string::npos);
  health.up();
  CHECK(health.last_problem().empty());
}

TEST_CASE("broker health R-8: every broker down makes the ledger unavailable until one answers") {
  events::BrokerHealth health("127.0.0.1:19592,127.0.0.1:19594,127.0.0.1:19596");
  health.down("3/3 brokers are down");
  CHECK_FALSE(health.available());
  CHECK(health.get().detail.find("3/3 brokers are down") != std::string::npos);
  // A further lost connection neither hides nor replaces the outage.
  health.connection_lost("127.0.0.1:19594/2: Connect failed");
  CHECK_FALSE(health.available());
  CHECK(health.last_problem().find("3/3 brokers are down") != std::string::npos);
  health.up();
  CHECK(health.available());
}

TEST_CASE("broker health R-8: a single broker's lost connection is the ledger's") {
  events::BrokerHealth health("127.0.0.1:19092");
  CHECK_FALSE(health.several_brokers());
  health.connection_lost("127.0.0.1:19092/bootstrap: Connect failed: Connection refused");
  CHECK_FALSE(health.available());
  CHECK(health.get().detail.find("127.0.0.1:19092") != std::string::npos);
  health.up();
  CHECK(health.available());
}

}  // namespace
}  // namespace agritrace::testing
