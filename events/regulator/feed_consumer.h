// A reader of one partition of a regulator feed topic (issue 13): group-less (assign at an explicit
// offset, so a regulator principal needs only READ on its topic), read_committed (aborted feed
// transactions are never seen). Used by the feed to read its position record back and by
// `agritrace subscribe`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"

namespace agritrace::events {

struct FeedConsumerOptions {
  std::string brokers;
  std::vector<std::pair<std::string, std::string>> client_config;  // SASL settings etc.
  std::string topic;
  int32_t partition = 0;
  int64_t from_offset = 0;
  Env* env = nullptr;  // null: the POSIX Env
};

struct FeedMessage {
  int64_t offset = -1;
  std::string key;
  std::string value;
};

struct FeedPoll {
  std::vector<FeedMessage> messages;
  bool at_end = false;  // caught up with the partition's last stable offset
};

class FeedConsumer {
 public:
  virtual ~FeedConsumer() = default;
  // Waits at most timeout_ms. kPermissionDenied/`topic_authorization_failed` when the broker
  // refuses the topic to this principal; kUnauthenticated/`kafka_authentication_failed` for bad
  // credentials; kNotFound/`topic_not_found`.
  virtual Result<FeedPoll> poll(int32_t timeout_ms, size_t max_messages) = 0;
};

Result<std::unique_ptr<FeedConsumer>> open_feed_consumer(const FeedConsumerOptions& options);

// SASL client settings for a regulator principal: SASL_PLAINTEXT with `mechanism`
// (SCRAM-SHA-256 or PLAIN).
std::vector<std::pair<std::string, std::string>> feed_sasl_config(const std::string& user,
                                                                  const std::string& password,
                                                                  const std::string& mechanism);

}  // namespace agritrace::events
