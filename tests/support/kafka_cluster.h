// The three-broker test cluster (scripts/kafka cluster-start; ./scripts/test sets
// AGRITRACE_TEST_KAFKA_CLUSTER and AGRITRACE_TEST_KAFKA_CLUSTER_DIR): killing and restarting one
// of its brokers, and finding which broker coordinates.
#pragma once

#include <string>

namespace agritrace::testing {

// scripts/kafka VERB N DIR (kill-broker / start-broker) on the test cluster; the exit status.
int cluster_script(const std::string& verb, int broker);

// The broker (1..3) leading partition 0 of `internal_topic`; 1 when unknown. The test cluster has
// one partition per internal topic, so the leader of __consumer_offsets coordinates every group
// and the leader of __transaction_state every transactional id.
int leader_of(const std::string& brokers, const char* internal_topic);

// Restarts the killed broker whatever the test's outcome: the next cluster test needs all three.
struct RestartBrokerOnExit {
  int broker = 0;
  ~RestartBrokerOnExit();
};

}  // namespace agritrace::testing
