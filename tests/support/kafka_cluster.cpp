#include "tests/support/kafka_cluster.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <cstdlib>

#include "tests/support/test_env.h"

namespace agritrace::testing {

int cluster_script(const std::string& verb, int broker) {
  const std::string cmd = fmt::format("'{}/scripts/kafka' {} {} '{}' >/dev/null", AGRITRACE_SOURCE_DIR, verb, broker,
                                      cluster_env("AGRITRACE_TEST_KAFKA_CLUSTER_DIR"));
  return std::system(cmd.c_str());
}

int leader_of(const std::string& brokers, const char* internal_topic) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[256];
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr, sizeof(errstr));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) return 1;
  int leader = 1;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, internal_topic, nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, t, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < md->topic_cnt; ++i) {
      for (int j = 0; j < md->topics[i].partition_cnt; ++j) {
        const int32_t l = md->topics[i].partitions[j].leader;
        if (md->topics[i].partitions[j].id == 0 && l >= 1 && l <= 3) leader = l;
      }
    }
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(t);
  rd_kafka_destroy(rk);
  return leader;
}

RestartBrokerOnExit::~RestartBrokerOnExit() {
  if (broker != 0) CHECK(cluster_script("start-broker", broker) == 0);
}

}  // namespace agritrace::testing
