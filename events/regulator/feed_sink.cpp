#include "events/regulator/feed_sink.h"

#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/base/json_writer.h"
#include "events/env/posix_env.h"
#include "events/regulator/feed_consumer.h"
#include "events/regulator/feed_kafka.h"

namespace agritrace::events {
namespace {

Error txn_error(rd_kafka_error_t* err, const std::string& what) {
  const bool fenced = rd_kafka_error_code(err) == RD_KAFKA_RESP_ERR__FENCED ||
                      rd_kafka_error_code(err) == RD_KAFKA_RESP_ERR_PRODUCER_FENCED;
  Error e = make_error(
      rd_kafka_error_is_fatal(err) || fenced ? ErrorCode::kInternal : ErrorCode::kUnavailable,
      fenced ? "feed_fenced" : "feed_kafka_error",
      "regulator feed: " + what + ": " + rd_kafka_error_string(err));
  rd_kafka_error_destroy(err);
  return e;
}

// The position record: {"ledger":"...","next":[...]}
std::string position_json(const std::string& ledger, const std::vector<int64_t>& next) {
  JsonWriter w;
  w.begin_object().field("ledger", ledger).key("next").begin_array();
  for (int64_t o : next) w.value(o);
  w.end_array().end_object();
  return w.take();
}

Result<std::vector<int64_t>> parse_position(const std::string& json, const std::string& ledger) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view recorded;
  simdjson::dom::array next;
  if (parser.parse(json).get(doc) || doc["ledger"].get(recorded) || doc["next"].get(next)) {
    return make_error(ErrorCode::kCorruption, "feed_position_invalid",
                      "regulator feed: unreadable position record: " + json);
  }
  if (recorded != ledger) {
    return make_error(ErrorCode::kInvalidArgument, "feed_ledger_mismatch",
                      "regulator feed: the topics were written from ledger " +
                          std::string(recorded) + ", not " + ledger +
                          "; give this ledger its own --regulator-feed-prefix");
  }
  std::vector<int64_t> out;
  for (simdjson::dom::element v : next) {
    int64_t o = 0;
    if (v.get(o)) {
      return make_error(ErrorCode::kCorruption, "feed_position_invalid",
                        "regulator feed: unreadable position record: " + json);
    }
    out.push_back(o);
  }
  return out;
}

class KafkaSink final : public KafkaFeedSink {
 public:
  explicit KafkaSink(KafkaFeedSinkOptions o)
      : o_(std::move(o)), env_(o_.env != nullptr ? *o_.env : posix_env()) {}
  ~KafkaSink() override {
    if (rk_ != nullptr) {
      rd_kafka_flush(rk_, 1000);
      rd_kafka_destroy(rk_);
    }
  }

  std::string position_topic() const override { return o_.prefix + "_position"; }

  Status open() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::vector<std::pair<std::string, std::string>> kv = {
        {"bootstrap.servers", o_.brokers},
        {"client.id", "agritrace-regulator-feed"},
        {"transactional.id", feed_transactional_id(o_.prefix)},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"linger.ms", "5"},
        {"transaction.timeout.ms", std::to_string(std::max(60000, o_.timeout_ms))},
        // Finds a new coordinator sooner (docs/KAFKA.md).
        {"reconnect.backoff.max.ms", "1000"},
        {"log.connection.close", "false"}};
    kv.insert(kv.end(), o_.client_config.begin(), o_.client_config.end());
    if (Status s = apply_feed_config(conf, kv); !s.ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
    char errstr[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      return make_error(ErrorCode::kInternal, "kafka_client",
                        std::string("regulator feed: ") + errstr);
    }
    if (Status s = ensure_topics({position_topic()}); !s.ok()) return s;
    // Fences an older feed of the same prefix and aborts its open transaction, so the position
    // read next is the newest committed one.
    if (rd_kafka_error_t* err = rd_kafka_init_transactions(rk_, o_.timeout_ms)) {
      return txn_error(err, "init_transactions");
    }
    return Status::Ok();
  }

  Result<std::vector<int64_t>> committed_position() override {
    int64_t lo = 0;
    int64_t hi = 0;
    const rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk_, position_topic().c_str(), 0, &lo, &hi, o_.timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return make_error(
          ErrorCode::kUnavailable, "feed_kafka_error",
          "regulator feed: end of " + position_topic() + ": " + rd_kafka_err2str(err));
    }
    // Each transaction adds its record and a commit marker; aborted ones add more. Read a window
    // before the end, widening it until a committed record is found or the start is reached.
    for (int64_t window = 16;; window *= 4) {
      const int64_t from = std::max(lo, hi - window);
      Result<std::optional<std::string>> last = last_record(from);
      if (!last.ok()) return last.status();
      if (last->has_value()) return parse_position(**last, o_.ledger);
      if (from <= lo) return std::vector<int64_t>{};
    }
  }

  Status publish(const std::vector<FeedRecord>& records,
                 const std::vector<int64_t>& next) override {
    std::set<std::string> topics;
    for (const FeedRecord& r : records) {
      if (!known_.contains(r.topic)) topics.insert(r.topic);
    }
    if (Status s = ensure_topics(topics); !s.ok()) return s;
    if (rd_kafka_error_t* err = rd_kafka_begin_transaction(rk_)) {
      return txn_error(err, "begin_transaction");
    }
    const std::string position = position_json(o_.ledger, next);
    const std::string ptopic = position_topic();
    for (size_t i = 0; i <= records.size(); ++i) {
      const bool last = i == records.size();
      const std::string& topic = last ? ptopic : records[i].topic;
      const std::string_view key = last ? std::string_view("position") : records[i].key;
      const std::string& value = last ? position : records[i].value;
      rd_kafka_resp_err_t err;
      while (
          (err = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()),
                                   RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                                   RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                   RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
          RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk_, 10);  // serves delivery reports, which frees the queue
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        abort_txn();
        return make_error(ErrorCode::kUnavailable, "feed_kafka_error",
                          "regulator feed: produce to " + topic + ": " + rd_kafka_err2str(err));
      }
    }
    if (rd_kafka_error_t* err = rd_kafka_commit_transaction(rk_, o_.timeout_ms)) {
      const bool abortable = rd_kafka_error_txn_requires_abort(err);
      Error e = txn_error(err, "commit_transaction");
      if (abortable) abort_txn();
      return e;
    }
    return Status::Ok();
  }

 private:
  void abort_txn() {
    if (rd_kafka_error_t* err = rd_kafka_abort_transaction(rk_, o_.timeout_ms)) {
      std::fprintf(stderr, "agritrace: regulator feed: abort_transaction: %s\n",
                   rd_kafka_error_string(err));
      rd_kafka_error_destroy(err);
    }
  }

  // The value of the newest committed record at or after `from`, none when there is none.
  Result<std::optional<std::string>> last_record(int64_t from) {
    FeedConsumerOptions co;
    co.brokers = o_.brokers;
    co.client_config = o_.client_config;
    co.topic = position_topic();
    co.from_offset = from;
    co.env = &env_;
    auto consumer = open_feed_consumer(co);
    if (!consumer.ok()) return consumer.status();
    std::optional<std::string> last;
    const int64_t end_ns = env_.monotonic_ns() + int64_t{o_.timeout_ms} * 1'000'000;
    while (true) {
      auto polled = (*consumer)->poll(100, 1024);
      if (!polled.ok()) return polled.status();
      if (!polled->messages.empty()) last = std::move(polled->messages.back().value);
      if (polled->at_end) return last;
      if (env_.monotonic_ns() > end_ns) {
        return make_error(ErrorCode::kUnavailable, "feed_kafka_error",
                          "regulator feed: " + position_topic() + " not read to its end within " +
                              std::to_string(o_.timeout_ms) + " ms");
      }
    }
  }

  // Creates the topics that do not exist yet (one partition each: a jurisdiction's events in one
  // total order, every enterprise's in its own order; never expired).
  Status ensure_topics(const std::set<std::string>& topics) {
    if (topics.empty()) return Status::Ok();
    char errstr[512];
    std::vector<rd_kafka_NewTopic_t*> news;
    for (const std::string& t : topics) {
      rd_kafka_NewTopic_t* nt =
          rd_kafka_NewTopic_new(t.c_str(), 1, o_.replication_factor, errstr, sizeof errstr);
      if (nt == nullptr) {
        for (auto* n : news) rd_kafka_NewTopic_destroy(n);
        return make_error(ErrorCode::kInvalidArgument, "kafka_bad_topic",
                          "regulator feed: topic " + t + ": " + errstr);
      }
      rd_kafka_NewTopic_set_config(nt, "retention.ms", "-1");
      news.push_back(nt);
    }
    rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opts, o_.timeout_ms, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(opts, o_.timeout_ms, errstr, sizeof errstr);
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_);
    rd_kafka_CreateTopics(rk_, news.data(), news.size(), opts, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, o_.timeout_ms + 1000);
    Status result;
    if (ev == nullptr) {
      result = make_error(ErrorCode::kUnavailable, "feed_kafka_error",
                          "regulator feed: creating topics timed out");
    } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = make_error(
          ErrorCode::kUnavailable, "feed_kafka_error",
          std::string("regulator feed: creating topics: ") + rd_kafka_event_error_string(ev));
    } else {
      size_t n = 0;
      const rd_kafka_topic_result_t** res =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
      for (size_t i = 0; i < n; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          known_.insert(rd_kafka_topic_result_name(res[i]));
          continue;
        }
        const char* msg = rd_kafka_topic_result_error_string(res[i]);
        result = make_error(ErrorCode::kUnavailable, "feed_kafka_error",
                            std::string("regulator feed: creating topic ") +
                                rd_kafka_topic_result_name(res[i]) + ": " + (msg ? msg : ""));
      }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    for (auto* n : news) rd_kafka_NewTopic_destroy(n);
    return result;
  }

  KafkaFeedSinkOptions o_;
  Env& env_;
  rd_kafka_t* rk_ = nullptr;
  std::set<std::string> known_;  // topics that exist
};

}  // namespace

std::string feed_transactional_id(const std::string& prefix) {
  return "agritrace-regulator-feed-" + prefix;
}

Result<std::unique_ptr<KafkaFeedSink>> open_kafka_feed_sink(const KafkaFeedSinkOptions& options) {
  if (options.brokers.empty() || options.prefix.empty() || options.timeout_ms < 1) {
    return make_error(ErrorCode::kInvalidArgument, "kafka_bad_options",
                      "regulator feed: brokers and prefix must be set");
  }
  auto sink = std::make_unique<KafkaSink>(options);
  if (Status s = sink->open(); !s.ok()) return s;
  return std::unique_ptr<KafkaFeedSink>(std::move(sink));
}

}  // namespace agritrace::events
