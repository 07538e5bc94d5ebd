// What the regulators' feed clients share (events/regulator): applying a librdkafka config list
// and a log callback that keeps librdkafka's retry chatter (warnings, notices) off stderr.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <utility>
#include <vector>

#include "core/base/status.h"

namespace agritrace::events {

using KafkaConfig = std::vector<std::pair<std::string, std::string>>;

// Sets every key of `kv` on `conf` and the quiet log callback. kInvalidArgument/
// `kafka_bad_config` naming the key librdkafka refused.
Status apply_feed_config(rd_kafka_conf_t* conf, const KafkaConfig& kv);

}  // namespace agritrace::events
