#include "events/regulator/feed_kafka.h"

#include <cstdio>

namespace agritrace::events {
namespace {

// Errors only: connection trouble and retries reach the feed as errors of its own calls.
void quiet_log(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  if (level <= 3) std::fprintf(stderr, "kafka: %s: %s\n", fac, buf);
}

}  // namespace

Status apply_feed_config(rd_kafka_conf_t* conf, const KafkaConfig& kv) {
  char errstr[512];
  for (const auto& [k, v] : kv) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      return make_error(ErrorCode::kInvalidArgument, "kafka_bad_config",
                        "kafka: config " + k + ": " + errstr);
    }
  }
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  return Status::Ok();
}

}  // namespace agritrace::events
