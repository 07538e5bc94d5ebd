#include "events/regulator/feed_consumer.h"

#include <librdkafka/rdkafka.h>

#include "events/env/posix_env.h"
#include "events/regulator/feed_kafka.h"

namespace agritrace::events {
namespace {

Error consume_error(rd_kafka_resp_err_t err, const std::string& topic, const std::string& what) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return make_error(ErrorCode::kPermissionDenied, "topic_authorization_failed",
                        "kafka: not authorized to read " + topic + " (" + rd_kafka_err2name(err) +
                            ": " + what + ")");
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return make_error(ErrorCode::kUnauthenticated, "kafka_authentication_failed",
                        "kafka: authentication failed: " + what);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return make_error(ErrorCode::kNotFound, "topic_not_found",
                        "kafka: topic " + topic + " does not exist (yet): " + what);
    default:
      return make_error(
          ErrorCode::kUnavailable, "kafka_consume_error",
          "kafka: reading " + topic + ": " + std::string(rd_kafka_err2name(err)) + ": " + what);
  }
}

constexpr int kMetadataSlices = 20;  // of kMetadataSliceMs: 10 s in all
constexpr int kMetadataSliceMs = 500;

class KafkaFeedConsumer final : public FeedConsumer {
 public:
  explicit KafkaFeedConsumer(FeedConsumerOptions o) : o_(std::move(o)) {}
  ~KafkaFeedConsumer() override {
    if (rk_ != nullptr) {
      rd_kafka_consumer_close(rk_);
      rd_kafka_destroy(rk_);
    }
  }

  Status start() {
    Env& env = o_.env != nullptr ? *o_.env : posix_env();
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::vector<std::pair<std::string, std::string>> kv = {
        {"bootstrap.servers", o_.brokers},
        {"client.id", "agritrace-feed-reader"},
        // librdkafka needs a group.id even for assign(); no offset is ever committed to it, and
        // a principal without a GROUP ACL only sees its coordinator lookup refused (ignored).
        {"group.id", "agritrace-feed-" + std::to_string(env.random_seed())},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"isolation.level", "read_committed"},
        {"enable.partition.eof", "true"},
        {"auto.offset.reset", "error"},
        {"fetch.wait.max.ms", "100"},
        // Finds a new coordinator sooner (docs/KAFKA.md).
        {"reconnect.backoff.max.ms", "1000"},
        {"log.connection.close", "false"}};
    kv.insert(kv.end(), o_.client_config.begin(), o_.client_config.end());
    if (Status s = apply_feed_config(conf, kv); !s.ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_opaque(conf, this);
    char errstr[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      return make_error(ErrorCode::kInternal, "kafka_client", std::string("kafka: ") + errstr);
    }
    rd_kafka_poll_set_consumer(rk_);
    // The broker's answer for this topic first: an ACL refusal or a missing topic is reported
    // here, not left to silent empty fetches.
    if (Status s = check_topic(); !s.ok()) return s;
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, o_.topic.c_str(), o_.partition)->offset =
        o_.from_offset;
    const rd_kafka_resp_err_t err = rd_kafka_assign(rk_, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return consume_error(err, o_.topic, "assign");
    return Status::Ok();
  }

  Status check_topic() {
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk_, o_.topic.c_str(), nullptr);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
    // In slices, serving the error callback in between: bad credentials end the wait early.
    for (int slice = 0; slice < kMetadataSlices && client_error_ == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++slice) {
      const rd_kafka_metadata_t* md = nullptr;
      err = rd_kafka_metadata(rk_, 0, topic, &md, kMetadataSliceMs);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < md->topic_cnt; ++i) {
          if (o_.topic == md->topics[i].topic) err = md->topics[i].err;
        }
        rd_kafka_metadata_destroy(md);
        break;
      }
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 0)) rd_kafka_message_destroy(m);
    }
    rd_kafka_topic_destroy(topic);
    if (client_error_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return consume_error(client_error_, o_.topic, client_reason_);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    return consume_error(err, o_.topic, "metadata");
  }

  Result<FeedPoll> poll(int32_t timeout_ms, size_t max_messages) override {
    FeedPoll out;
    int32_t wait = timeout_ms;
    while (out.messages.size() < max_messages) {
      if (client_error_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return consume_error(client_error_, o_.topic, client_reason_);
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, wait);
      if (m == nullptr) break;
      wait = 0;  // drain what is buffered, then answer
      const rd_kafka_resp_err_t err = m->err;
      if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        out.at_end = true;
        rd_kafka_message_destroy(m);
        break;
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const std::string what = rd_kafka_message_errstr(m);
        rd_kafka_message_destroy(m);
        if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
            err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
          continue;  // transient (librdkafka reconnects), or the unused group's coordinator
        }
        return consume_error(err, o_.topic, what);
      }
      FeedMessage fm;
      fm.offset = m->offset;
      if (m->key != nullptr) fm.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload != nullptr) fm.value.assign(static_cast<const char*>(m->payload), m->len);
      rd_kafka_message_destroy(m);
      out.messages.push_back(std::move(fm));
    }
    return out;
  }

 private:
  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaFeedConsumer*>(opaque);
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    // Authentication failures are final for this client; connection trouble is retried.
    if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
        code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED) {
      self->client_error_ = code;
      self->client_reason_ = reason;
    }
  }

  FeedConsumerOptions o_;
  rd_kafka_t* rk_ = nullptr;
  // Set by the error callback, which runs inside consumer_poll on the polling thread.
  rd_kafka_resp_err_t client_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string client_reason_;
};

}  // namespace

Result<std::unique_ptr<FeedConsumer>> open_feed_consumer(const FeedConsumerOptions& options) {
  if (options.brokers.empty() || options.topic.empty() || options.from_offset < 0) {
    return make_error(ErrorCode::kInvalidArgument, "kafka_bad_options",
                      "kafka: brokers and topic must be set, the start offset non-negative");
  }
  auto c = std::make_unique<KafkaFeedConsumer>(options);
  if (Status s = c->start(); !s.ok()) return s;
  return std::unique_ptr<FeedConsumer>(std::move(c));
}

std::vector<std::pair<std::string, std::string>> feed_sasl_config(const std::string& user,
                                                                  const std::string& password,
                                                                  const std::string& mechanism) {
  return {{"security.protocol", "SASL_PLAINTEXT"},
          {"sasl.mechanism", mechanism.empty() ? "SCRAM-SHA-256" : mechanism},
          {"sasl.username", user},
          {"sasl.password", password}};
}

}  // namespace agritrace::events
