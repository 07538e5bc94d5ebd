// KafkaLedger: the Ledger on an Apache Kafka topic through the librdkafka C API.
// Writes go through one transactional producer (exactly-once, atomic batches, fencing of stale
// writers); readers are group-less consumers (assign at explicit offsets, read_committed) so
// aborted batches are never seen. With per_partition_writers (several writer nodes, issue 17) each
// acquired partition has a producer of its own (a KafkaLedger with id `<prefix>.p<N>`), and an
// append spanning partitions runs one transaction per partition, concurrently.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "events/envelope/envelope.h"
#include "events/ledger/broker_health.h"
#include "events/ledger/ledger.h"
#include "events/env/posix_env.h"

namespace agritrace::events {
namespace {

// A bound on the Env's monotonic clock.
class Deadline {
 public:
  Deadline(Env& env, int32_t ms) : env_(env), end_ns_(env.monotonic_ns() + int64_t{ms} * 1'000'000) {}
  int32_t remaining_ms() const {
    const int64_t left = (end_ns_ - env_.monotonic_ns()) / 1'000'000;
    return static_cast<int32_t>(std::max<int64_t>(0, left));
  }
  bool expired() const { return env_.monotonic_ns() >= end_ns_; }

 private:
  Env& env_;
  int64_t end_ns_;
};

// Errors that mean "the cluster is not reachable right now" rather than a bug or a bad request.
bool is_unavailable(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR__NODE_UPDATE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
      return true;
    default:
      return false;
  }
}

bool is_fenced(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__FENCED || err == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
         err == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
}

// The end offset of `partition` as `rk`'s isolation.level sees it (read_committed, the default:
// the last stable offset; read_uncommitted: the high watermark), within timeout_ms.
// Not rd_kafka_query_watermark_offsets: in librdkafka 2.0.2 its wait ignores its timeout (it
// returns once both of its ListOffsets requests are answered or failed, and a request queued for
// a dead broker waits for socket.timeout.ms, 60 s, and is retried): with a broker killed, a
// node's partition acquisition, an append's wait_visible and the node's stop hung in it.
// rd_kafka_offsets_for_times (timestamp -1: the latest offset) gives up at its timeout.
rd_kafka_resp_err_t query_end_offset(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                     int32_t timeout_ms, int64_t* end) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_END;
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, list, std::max<int32_t>(1, timeout_ms));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = list->elems[0].err;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (list->elems[0].offset < 0) {
      err = RD_KAFKA_RESP_ERR__BAD_MSG;
    } else {
      *end = list->elems[0].offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return err;
}

// Not a secret: keeps the group ids of concurrent readers apart.
std::string random_suffix(Env& env) {
  static const char kHex[] = "0123456789abcdef";
  uint64_t bits = env.random_seed();
  std::string s;
  for (int i = 0; i < 12; ++i, bits >>= 4) s.push_back(kHex[bits & 0xf]);
  return s;
}

void report_client_error(BrokerHealth* health, rd_kafka_resp_err_t err, const char* reason) {
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    health->down(reason);
  } else if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__RESOLVE) {
    health->connection_lost(reason);
  }
}

// librdkafka's own log lines: connection failures already reach us through the error callback,
// so only errors that are not about connections or fatal errors are printed.
void log_cb(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  if (level > 3) return;
  const std::string_view f(fac);
  if (f == "FAIL" || f == "ERROR" || f == "BROKERFAIL" || f == "CONNECT" || f == "FATAL" ||
      f == "TXNERR") {
    return;  // reported through the error callback / fatal handling
  }
  std::fprintf(stderr, "kafka: librdkafka %s: %s\n", fac, buf);
}

Error kafka_error(rd_kafka_resp_err_t err, std::string_view what, const BrokerHealth& health) {
  std::string msg = "kafka: " + std::string(what) + ": " + rd_kafka_err2str(err);
  if (is_unavailable(err)) {
    const std::string problem = health.last_problem();
    msg += " (" + (problem.empty() ? "broker " + health.brokers() : problem) + ")";
    return make_error(ErrorCode::kUnavailable, "kafka_unavailable", std::move(msg));
  }
  return make_error(ErrorCode::kInternal, "kafka_error", std::move(msg));
}

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

Status set_conf(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    return make_error(ErrorCode::kInvalidArgument, "kafka_bad_config",
                      std::string("kafka: config ") + key + "=" + value + ": " + errstr);
  }
  return Status::Ok();
}

Status set_confs(rd_kafka_conf_t* conf,
                 const std::vector<std::pair<const char*, std::string>>& kv) {
  for (const auto& [k, v] : kv) {
    if (Status s = set_conf(conf, k, v); !s.ok()) return s;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
class KafkaReader final : public LedgerReader {
 public:
  KafkaReader(Env& env, std::shared_ptr<BrokerHealth> health, std::string topic, int32_t partitions)
      : env_(env), health_(std::move(health)), topic_(std::move(topic)), eof_(partitions, false) {}

  ~KafkaReader() override {
    if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
    if (rk_ != nullptr) {
      rd_kafka_consumer_close(rk_);
      rd_kafka_destroy(rk_);
    }
  }

  Status start(const std::vector<int64_t>& next_offsets) {
    ConfPtr conf(rd_kafka_conf_new());
    // librdkafka's consumer API needs a group.id even for assign(); it is never sent to the
    // broker because we neither subscribe nor commit.
    Status s = set_confs(conf.get(), {{"bootstrap.servers", health_->brokers()},
                                      {"client.id", "agritrace-ledger-reader"},
                                      {"group.id", "agritrace-reader-" + random_suffix(env_)},
                                      {"enable.auto.commit", "false"},
                                      {"enable.auto.offset.store", "false"},
                                      {"isolation.level", "read_committed"},
                                      {"enable.partition.eof", "true"},
                                      // A gap (retention, wrong offsets) must not be skipped.
                                      {"auto.offset.reset", "error"},
                                      {"fetch.wait.max.ms", "100"},
                                      // Finds a new coordinator sooner (docs/KAFKA.md).
                                      {"reconnect.backoff.max.ms", "1000"},
                                      {"log.connection.close", "false"}});
    if (!s.ok()) return s;
    rd_kafka_conf_set_log_cb(conf.get(), log_cb);
    rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t*, int err, const char* reason, void* op) {
      report_client_error(static_cast<BrokerHealth*>(op), static_cast<rd_kafka_resp_err_t>(err),
                          reason);
    });
    rd_kafka_conf_set_opaque(conf.get(), health_.get());
    char errstr[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof(errstr));
    if (rk_ == nullptr) {
      return make_error(ErrorCode::kInternal, "kafka_client", std::string("kafka: ") + errstr);
    }
    conf.release();  // owned by rk_ now
    rd_kafka_poll_set_consumer(rk_);

    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(eof_.size()));
    for (size_t p = 0; p < eof_.size(); ++p) {
      const int64_t off = p < next_offsets.size() ? next_offsets[p] : 0;
      rd_kafka_topic_partition_list_add(list, topic_.c_str(), static_cast<int32_t>(p))->offset =
          off;
    }
    const rd_kafka_resp_err_t err = rd_kafka_assign(rk_, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error(err, "assign", *health_);
    queue_ = rd_kafka_queue_get_consumer(rk_);
    return Status::Ok();
  }

  Result<PollResult> poll(int32_t timeout_ms, size_t max_events) override {
    PollResult out;
    // Batch consume for replay throughput. rd_kafka_consume_batch_queue waits for a FULL batch
    // when given a timeout, so drain what is buffered without waiting, and block (in
    // consumer_poll) only when nothing at all was buffered.
    batch_.resize(std::clamp<size_t>(max_events, 1, 4096));
    size_t handled = 0;
    while (out.events.size() < max_events) {
      const size_t want = std::min(batch_.size(), max_events - out.events.size());
      const ssize_t n = rd_kafka_consume_batch_queue(queue_, 0, batch_.data(), want);
      if (n <= 0) break;
      handled += static_cast<size_t>(n);
      if (Status st = handle(batch_.data(), static_cast<size_t>(n), &out); !st.ok()) return st;
      if (static_cast<size_t>(n) < want) break;
    }
    if (handled == 0 && max_events > 0 && timeout_ms > 0) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, timeout_ms)) {
        if (Status st = handle(&m, 1, &out); !st.ok()) return st;
        const size_t want = std::min(batch_.size(), max_events - out.events.size());
        const ssize_t n =
            want > 0 ? rd_kafka_consume_batch_queue(queue_, 0, batch_.data(), want) : 0;
        if (n > 0) {
          if (Status st = handle(batch_.data(), static_cast<size_t>(n), &out); !st.ok()) {
            return st;
          }
        }
      }
    }
    out.at_end = all_eof();
    return out;
  }

 private:
  bool all_eof() const {
    return std::all_of(eof_.begin(), eof_.end(), [](bool b) { return b; });
  }

  // Takes ownership of msgs[0..n); on error destroys the rest too.
  Status handle(rd_kafka_message_t** msgs, size_t n, PollResult* out) {
    Status result;
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = msgs[i];
      if (result.ok()) result = handle_one(m, out);
      rd_kafka_message_destroy(m);
    }
    return result;
  }

  Status handle_one(const rd_kafka_message_t* m, PollResult* out) {
    const int32_t p = m->partition;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (p >= 0 && static_cast<size_t>(p) < eof_.size()) eof_[p] = true;
      out->ends_reached.push_back(Position{p, m->offset});
      health_->up();
      return Status::Ok();
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const std::string what = rd_kafka_message_errstr(m);
      if (is_unavailable(m->err)) {  // transient: librdkafka keeps retrying
        if (m->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
          health_->down(what);
        } else {
          health_->connection_lost(what);
        }
        return Status::Ok();
      }
      if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
          m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
        return make_error(ErrorCode::kCorruption, "kafka_offset_out_of_range",
                          "kafka: " + topic_ + " partition " + std::to_string(p) +
                              ": requested offset is not in the log: " + what);
      }
      return make_error(ErrorCode::kUnavailable, "kafka_consume_error",
                        "kafka: consuming " + topic_ + " partition " + std::to_string(p) + ": " +
                            what);
    }
    if (p < 0 || static_cast<size_t>(p) >= eof_.size()) {
      return make_error(ErrorCode::kInternal, "kafka_unexpected_partition",
                        "kafka: message from unassigned partition " + std::to_string(p));
    }
    eof_[p] = false;
    Result<Envelope> env = decode_cloudevent(
        std::string_view(static_cast<const char*>(m->payload), m->payload ? m->len : 0));
    if (!env.ok()) {
      return make_error(ErrorCode::kCorruption, "ledger_entry_corrupt",
                        "kafka: " + topic_ + " partition " + std::to_string(p) + " offset " +
                            std::to_string(m->offset) + ": " + env.error().message);
    }
    out->events.push_back(StoredEvent{Position{p, m->offset}, std::move(env).value()});
    return Status::Ok();
  }

  Env& env_;  // seeds of group ids
  std::shared_ptr<BrokerHealth> health_;
  const std::string topic_;
  std::vector<bool> eof_;  // partition reported EOF since its last message
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  std::vector<rd_kafka_message_t*> batch_;
};

// ---------------------------------------------------------------------------------------------
class KafkaLedger final : public Ledger {
 public:
  explicit KafkaLedger(KafkaLedgerOptions options)
      : options_(std::move(options)),
        env_(options_.env != nullptr ? *options_.env : posix_env()),
        health_(std::make_shared<BrokerHealth>(options_.brokers)) {}

  ~KafkaLedger() override {
    {
      std::lock_guard<std::mutex> lock(owned_mu_);
      owned_.clear();
    }
    stop_.store(true);
    poll_cv_.notify_all();
    if (poller_.joinable()) poller_.join();
    if (rk_hw_ != nullptr) rd_kafka_destroy(rk_hw_);
    if (rk_ != nullptr) rd_kafka_destroy(rk_);
  }

  // `cancel` (may be null): init_transactions gives up within about half a second of it.
  Status open(const std::atomic<bool>* cancel = nullptr) {
    const Deadline deadline(env_, options_.timeout_ms);
    ConfPtr conf(rd_kafka_conf_new());
    Status s = set_confs(conf.get(), {{"bootstrap.servers", options_.brokers},
                                      {"client.id", "agritrace-ledger"},
                                      // Finds a new coordinator sooner (docs/KAFKA.md).
                                      {"reconnect.backoff.max.ms", "1000"},
                                      {"log.connection.close", "false"}});
    if (!s.ok()) return s;
    if (writer()) {
      s = set_confs(conf.get(),
                    {{"transactional.id", options_.transactional_id},
                     {"enable.idempotence", "true"},
                     {"acks", "all"},
                     {"linger.ms", "2"},
                     // A longer bound than ours so librdkafka never expires a batch we still
                     // wait for; a crashed writer's open batch is aborted by the next init.
                     {"transaction.timeout.ms",
                      std::to_string(std::max<int32_t>(60000, options_.timeout_ms))}});
      if (!s.ok()) return s;
    }
    rd_kafka_conf_set_log_cb(conf.get(), log_cb);
    rd_kafka_conf_set_error_cb(conf.get(), on_error);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    rd_kafka_conf_set_opaque(conf.get(), this);
    char errstr[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
    if (rk_ == nullptr) {
      return make_error(ErrorCode::kInternal, "kafka_client", std::string("kafka: ") + errstr);
    }
    conf.release();
    // Serves error callbacks (health) and delivery reports even between appends.
    poller_ = std::thread([this] { poll_loop(); });

    Result<int32_t> existing = topic_partitions(deadline);
    if (!existing.ok()) return existing.status();
    if (*existing == 0) {
      s = create_topic(deadline);
      if (!s.ok()) return s;
    } else if (*existing != options_.partitions) {
      return make_error(ErrorCode::kInvalidArgument, "kafka_partition_mismatch",
                        "kafka: topic " + options_.topic + " on " + options_.brokers + " has " +
                            std::to_string(*existing) + " partitions but the ledger is configured "
                            "for " + std::to_string(options_.partitions));
    }
    s = wait_for_leaders(deadline, cancel);
    if (!s.ok()) return s;
    if (options_.per_partition_writers) {
      s = open_high_watermark_client();
      if (!s.ok()) return s;
    }
    if (writer()) {
      // Fences any older writer with the same id and aborts its open transaction. In slices
      // when it may be cancelled: a timed-out init_transactions is resumed by the next call.
      while (true) {
        const int32_t slice =
            cancel != nullptr ? std::min(500, deadline.remaining_ms()) : deadline.remaining_ms();
        rd_kafka_error_t* err = rd_kafka_init_transactions(rk_, std::max(1, slice));
        if (err == nullptr) break;
        if (cancel != nullptr && rd_kafka_error_code(err) == RD_KAFKA_RESP_ERR__TIMED_OUT &&
            rd_kafka_error_is_retriable(err) && !deadline.expired()) {
          rd_kafka_error_destroy(err);
          if (cancel->load()) {
            return make_error(ErrorCode::kUnavailable, "acquisition_cancelled",
                              "kafka: init_transactions of " + options_.transactional_id +
                                  " cancelled");
          }
          continue;
        }
        return consume_txn_error(err, "init_transactions");
      }
    }
    health_->up();
    return Status::Ok();
  }

  int32_t partition_count() const override { return options_.partitions; }

  Status append(const std::vector<Envelope>& events, std::vector<Position>* positions) override {
    if (options_.per_partition_writers) {
      // All or none per partition only (see Ledger::append_per_partition).
      return append_per_partition(events, positions, nullptr);
    }
    std::lock_guard<std::mutex> lock(mu_);
    const PollerPause pause(*this);
    if (positions != nullptr) positions->clear();
    if (!writer()) {
      return make_error(ErrorCode::kInternal, "ledger_read_only",
                        "kafka: ledger " + describe() + " was opened without a transactional id "
                        "(read-only)");
    }
    if (std::string f = fatal(); !f.empty()) {
      return make_error(ErrorCode::kInternal, "kafka_writer_fatal",
                        "kafka: writer is unusable after a fatal error: " + f);
    }
    const Deadline deadline(env_, options_.timeout_ms);
    if (Status s = resolve_pending(deadline); !s.ok()) return s;
    if (events.empty()) return Status::Ok();

    std::vector<std::string> values;
    values.reserve(events.size());
    for (const Envelope& e : events) values.push_back(encode_cloudevent(e));
    uint64_t batch = 0;
    {
      std::lock_guard<std::mutex> dr_lock(dr_mu_);
      batch = ++batch_id_;
      slots_.assign(events.size(), Slot{});
    }

    if (rd_kafka_error_t* err = rd_kafka_begin_transaction(rk_)) {
      return consume_txn_error(err, "begin_transaction");
    }
    for (size_t i = 0; i < events.size(); ++i) {
      const std::string& tenant = events[i].tenant;
      // The opaque tags each report with its batch, so a late report of an aborted batch can
      // never land in the current one.
      void* tag = reinterpret_cast<void*>(static_cast<uintptr_t>((batch << 32) | i));
      while (true) {
        const rd_kafka_resp_err_t err = rd_kafka_producev(
            rk_, RD_KAFKA_V_TOPIC(options_.topic.c_str()),
            RD_KAFKA_V_PARTITION(partition_for(tenant)),
            RD_KAFKA_V_KEY(const_cast<char*>(tenant.data()), tenant.size()),
            RD_KAFKA_V_VALUE(values[i].data(), values[i].size()),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(tag), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !deadline.expired()) {
          // The poller is paused (PollerPause): serve the delivery reports that free the queue.
          rd_kafka_poll(rk_, 5);
          continue;
        }
        Error e = kafka_error(err, "produce to " + options_.topic, *health_);
        abort_txn(deadline);
        return e;
      }
    }
    if (rd_kafka_error_t* err = commit_in_slices(deadline)) {
      return consume_txn_error(err, "commit_transaction");
    }

    std::vector<Position> out;
    out.reserve(events.size());
    {
      std::lock_guard<std::mutex> dr_lock(dr_mu_);
      for (size_t i = 0; i < slots_.size(); ++i) {
        const Slot& s = slots_[i];
        if (!s.done || s.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          return make_error(ErrorCode::kInternal, "kafka_delivery_unknown",
                            "kafka: transaction committed but event " + std::to_string(i) +
                                (s.done ? std::string(" failed: ") + rd_kafka_err2str(s.err)
                                        : std::string(" has no delivery report")));
        }
        out.push_back(Position{s.partition, s.offset});
      }
    }
    wait_visible(out, deadline);
    health_->up();
    if (positions != nullptr) *positions = std::move(out);
    return Status::Ok();
  }

  Status append_per_partition(const std::vector<Envelope>& events,
                              std::vector<Position>* positions,
                              std::map<int32_t, Status>* by_partition) override {
    if (!options_.per_partition_writers) {
      return Ledger::append_per_partition(events, positions, by_partition);
    }
    if (by_partition != nullptr) by_partition->clear();
    if (positions != nullptr) positions->assign(events.size(), Position{-1, -1});
    std::map<int32_t, std::vector<size_t>> by_p;
    for (size_t i = 0; i < events.size(); ++i) by_p[partition_for(events[i].tenant)].push_back(i);
    struct Job {
      int32_t partition;
      std::shared_ptr<KafkaLedger> writer;
      std::vector<Envelope> events;
      std::vector<Position> positions;
      Status status;
    };
    std::vector<Job> jobs;
    for (auto& [p, idx] : by_p) {
      Job job{p, owned_writer(p), {}, {}, Status::Ok()};
      if (by_p.size() > 1) {
        job.events.reserve(idx.size());
        for (size_t i : idx) job.events.push_back(events[i]);
      }
      jobs.push_back(std::move(job));
    }
    auto run = [&](Job& job) {
      if (job.writer == nullptr) {
        job.status = not_owned(job.partition, "this node has not acquired it");
        return;
      }
      job.status = job.writer->append(jobs.size() > 1 ? job.events : events, &job.positions);
      if (!job.status.ok() && (job.status.error().reason == "kafka_writer_fenced" ||
                               job.status.error().reason == "kafka_writer_fatal")) {
        // Another node acquired the partition (its init_transactions bumped the epoch): never
        // write here again; the group's revocation follows.
        drop_writer(job.partition, job.writer);
        job.status = not_owned(job.partition, job.status.error().message);
      }
    };
    // One transaction per partition, concurrently: the first on this thread.
    std::vector<std::thread> threads;
    for (size_t j = 1; j < jobs.size(); ++j) threads.emplace_back([&run, &jobs, j] { run(jobs[j]); });
    if (!jobs.empty()) run(jobs[0]);
    for (std::thread& t : threads) t.join();
    Status first = Status::Ok();
    for (Job& job : jobs) {
      if (by_partition != nullptr) (*by_partition)[job.partition] = job.status;
      if (!job.status.ok()) {
        if (first.ok()) first = job.status;
        continue;
      }
      if (positions != nullptr) {
        const std::vector<size_t>& idx = by_p[job.partition];
        for (size_t k = 0; k < idx.size() && k < job.positions.size(); ++k) {
          (*positions)[idx[k]] = job.positions[k];
        }
      }
    }
    return first;
  }

  Result<int64_t> acquire_partition(int32_t partition, const std::atomic<bool>* cancel) override {
    if (!options_.per_partition_writers) return Ledger::acquire_partition(partition, cancel);
    const auto cancelled = [&]() -> Result<int64_t> {
      return make_error(ErrorCode::kUnavailable, "acquisition_cancelled",
                        "kafka: acquisition of partition " + std::to_string(partition) + " of " +
                            describe() + " cancelled");
    };
    if (partition < 0 || partition >= options_.partitions) {
      return make_error(ErrorCode::kInvalidArgument, "bad_partition",
                        "kafka: no partition " + std::to_string(partition) + " in " + describe());
    }
    const Deadline deadline(env_, options_.timeout_ms);
    KafkaLedgerOptions o = options_;
    o.per_partition_writers = false;
    o.transactional_id = options_.transactional_id + ".p" + std::to_string(partition);
    o.timeout_ms = std::max(1, deadline.remaining_ms());
    auto writer = std::make_shared<KafkaLedger>(o);
    // init_transactions: bumps the id's epoch (the stale owner's producer is fenced) and aborts
    // its open transaction before it returns.
    if (Status s = writer->open(cancel); !s.ok()) return s;
    // No transaction of anyone else (e.g. a single-writer tool) may still be open on the
    // partition: its events could land after ours. Wait until last stable offset = high mark.
    // Each question bounded (a second at most, so a cancel is heard); after a failure (a dead
    // leader), fresh metadata before asking again.
    int64_t stable = -1;
    int64_t high = -2;
    while (true) {
      if (cancel != nullptr && cancel->load()) return cancelled();
      const int32_t slice = std::max(1, std::min(1000, deadline.remaining_ms()));
      rd_kafka_resp_err_t err = query_end_offset(rk_, options_.topic, partition, slice, &stable);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::lock_guard<std::mutex> lock(hw_mu_);
        err = query_end_offset(rk_hw_, options_.topic, partition, slice, &high);
      }
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR && stable == high) break;
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && !deadline.expired()) {
        wait_for_metadata(deadline);
        std::lock_guard<std::mutex> lock(hw_mu_);
        wait_for_metadata(deadline, rk_hw_);
      }
      if (deadline.expired()) {
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          return kafka_error(err, "end offsets of partition " + std::to_string(partition), *health_);
        }
        return make_error(ErrorCode::kUnavailable, "partition_transaction_open",
                          "kafka: partition " + std::to_string(partition) + " of " + describe() +
                              " still has an open transaction (last stable offset " +
                              std::to_string(stable) + ", high watermark " + std::to_string(high) +
                              ") after " + std::to_string(options_.timeout_ms) + " ms");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::lock_guard<std::mutex> lock(owned_mu_);
    owned_[partition] = std::move(writer);
    return stable;
  }

  bool holds_partition(int32_t partition) const override {
    if (!options_.per_partition_writers) return true;
    std::lock_guard<std::mutex> lock(owned_mu_);
    return owned_.count(partition) != 0;
  }

  Status append_fenced_record(int32_t partition, const std::string& topic, const std::string& key,
                              const std::string& value, int32_t timeout_ms) override {
    if (!options_.per_partition_writers) {
      return Ledger::append_fenced_record(partition, topic, key, value, timeout_ms);
    }
    std::shared_ptr<KafkaLedger> writer = owned_writer(partition);
    if (writer == nullptr) return not_owned(partition, "this node has not acquired it");
    Status s = writer->append_record(topic, key, value, timeout_ms);
    if (!s.ok() && (s.error().reason == "kafka_writer_fenced" ||
                    s.error().reason == "kafka_writer_fatal")) {
      drop_writer(partition, writer);
      return not_owned(partition, s.error().message);
    }
    return s;
  }

  void release_partition(int32_t partition) override {
    std::shared_ptr<KafkaLedger> writer;
    {
      std::lock_guard<std::mutex> lock(owned_mu_);
      auto it = owned_.find(partition);
      if (it == owned_.end()) return;
      writer = std::move(it->second);
      owned_.erase(it);
    }
    // Destroyed here (or by the last append still holding it).
  }

  Result<std::unique_ptr<LedgerReader>> open_reader(
      const std::vector<int64_t>& next_offsets) override {
    if (next_offsets.size() > static_cast<size_t>(options_.partitions)) {
      return make_error(ErrorCode::kInvalidArgument, "bad_offsets",
                        "kafka: " + std::to_string(next_offsets.size()) +
                            " offsets given for a ledger of " +
                            std::to_string(options_.partitions) + " partitions");
    }
    for (int64_t o : next_offsets) {
      if (o < 0) {
        return make_error(ErrorCode::kInvalidArgument, "bad_offsets",
                          "kafka: negative start offset " + std::to_string(o));
      }
    }
    auto reader = std::make_unique<KafkaReader>(env_, health_, options_.topic, options_.partitions);
    if (Status s = reader->start(next_offsets); !s.ok()) return s;
    return std::unique_ptr<LedgerReader>(std::move(reader));
  }

  // Asks the cluster for the topic's current metadata (a round trip, bounded by the deadline).
  // `rk` (default: the ledger's client) caches the answer: the partitions' leaders its next
  // ListOffsets go to. A request queued for a dead leader only times out, and nothing else makes
  // a client that never produces refresh its metadata soon (topic.metadata.refresh.interval.ms:
  // 5 min), so every failed question is followed by this.
  bool wait_for_metadata(const Deadline& deadline, rd_kafka_t* rk = nullptr) {
    if (rk == nullptr) rk = rk_;
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, options_.topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_metadata(rk, 0, topic, &md, std::max(1, std::min(1000, deadline.remaining_ms())));
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(topic);
    return !deadline.expired();
  }

  Result<std::vector<int64_t>> end_offsets() override {
    const Deadline deadline(env_, options_.timeout_ms);
    if (options_.per_partition_writers) {
      std::vector<std::shared_ptr<KafkaLedger>> writers;
      {
        std::lock_guard<std::mutex> lock(owned_mu_);
        for (auto& [p, w] : owned_) writers.push_back(w);
      }
      for (auto& w : writers) {
        std::lock_guard<std::mutex> lock(w->mu_);
        if (Status s = w->resolve_pending(deadline); !s.ok()) return s;
      }
    }
    if (writer()) {
      // A commit that timed out earlier is settled before anyone asks where the ledger ends: the
      // command writer folds the ledger after a failed append, and a batch that became visible
      // only later would follow the next one (a sequence used twice, a retried command twice).
      std::lock_guard<std::mutex> lock(mu_);
      if (Status s = resolve_pending(deadline); !s.ok()) return s;
    }
    std::vector<int64_t> ends(options_.partitions, 0);
    for (int32_t p = 0; p < options_.partitions; ++p) {
      int64_t hi = 0;
      rd_kafka_resp_err_t err;
      // Right after a topic is created, a partition's leader may still be moving, and on a
      // cluster the client's metadata may not list the new partitions yet (the local
      // __UNKNOWN_PARTITION / __UNKNOWN_TOPIC): transient, so ask again (librdkafka refreshes
      // its metadata) until the deadline. So is a question that timed out (in slices of 2 s):
      // it was probably sent to a dead leader.
      do {
        err = query_end_offset(rk_, options_.topic, p, std::min(2000, deadline.remaining_ms()), &hi);
      } while ((err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
                err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
                err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
                err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) &&
               deadline.remaining_ms() > 0 && wait_for_metadata(deadline));
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return kafka_error(err, "end offset of " + options_.topic + " partition " +
                                    std::to_string(p), *health_);
      }
      ends[p] = hi;
    }
    health_->up();
    return ends;
  }

  LedgerHealth health() const override {
    LedgerHealth h = health_->get();
    std::lock_guard<std::mutex> lock(fatal_mu_);
    if (!fatal_.empty()) {
      h.available = false;
      h.detail = "writer unusable: " + fatal_;
    }
    return h;
  }

  std::string describe() const override {
    return "kafka:" + options_.brokers + "/" + options_.topic;
  }

 private:
  struct Slot {
    bool done = false;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int32_t partition = -1;
    int64_t offset = -1;
  };
  enum class Pending { kNone, kCommit, kAbort };

  bool writer() const {
    return !options_.transactional_id.empty() && !options_.per_partition_writers;
  }

  std::shared_ptr<KafkaLedger> owned_writer(int32_t partition) {
    std::lock_guard<std::mutex> lock(owned_mu_);
    auto it = owned_.find(partition);
    return it == owned_.end() ? nullptr : it->second;
  }

  void drop_writer(int32_t partition, const std::shared_ptr<KafkaLedger>& writer) {
    std::lock_guard<std::mutex> lock(owned_mu_);
    auto it = owned_.find(partition);
    if (it != owned_.end() && it->second == writer) owned_.erase(it);
  }

  Error not_owned(int32_t partition, const std::string& why) const {
    return make_error(ErrorCode::kUnavailable, "partition_not_owned",
                      "kafka: partition " + std::to_string(partition) + " of " + describe() +
                          " is not owned by this node: " + why);
  }

  // A client reading uncommitted data: its ListOffsets answers the high watermark (the
  // producer's answers the last stable offset).
  Status open_high_watermark_client() {
    ConfPtr conf(rd_kafka_conf_new());
    Status s = set_confs(conf.get(), {{"bootstrap.servers", options_.brokers},
                                      {"client.id", "agritrace-ledger-hw"},
                                      {"group.id", "agritrace-hw-" + random_suffix(env_)},
                                      {"enable.auto.commit", "false"},
                                      {"isolation.level", "read_uncommitted"},
                                      // Finds a new coordinator sooner (docs/KAFKA.md).
                                      {"reconnect.backoff.max.ms", "1000"},
                                      {"log.connection.close", "false"}});
    if (!s.ok()) return s;
    rd_kafka_conf_set_log_cb(conf.get(), log_cb);
    char errstr[512];
    rk_hw_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof(errstr));
    if (rk_hw_ == nullptr) {
      return make_error(ErrorCode::kInternal, "kafka_client", std::string("kafka: ") + errstr);
    }
    conf.release();
    return Status::Ok();
  }

  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaLedger*>(opaque);
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof(buf));
      self->set_fatal(std::string(rd_kafka_err2name(orig)) + ": " + buf);
      return;
    }
    report_client_error(self->health_.get(), code, reason);
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<KafkaLedger*>(opaque);
    const auto tag = reinterpret_cast<uintptr_t>(m->_private);
    const uint64_t batch = static_cast<uint64_t>(tag) >> 32;
    const size_t index = static_cast<size_t>(tag & 0xffffffffu);
    std::lock_guard<std::mutex> lock(self->dr_mu_);
    if ((batch & 0xffffffffu) != (self->batch_id_ & 0xffffffffu) || index >= self->slots_.size()) {
      return;  // a late report of an earlier, aborted batch
    }
    self->slots_[index] = Slot{true, m->err, m->partition, m->offset};
  }

  std::string fatal() const {
    std::lock_guard<std::mutex> lock(fatal_mu_);
    return fatal_;
  }
  void set_fatal(const std::string& what) {
    std::lock_guard<std::mutex> lock(fatal_mu_);
    if (fatal_.empty()) {
      fatal_ = what;
      std::fprintf(stderr, "kafka: ledger writer %s on %s is unusable: %s\n",
                   options_.transactional_id.c_str(), describe().c_str(), what.c_str());
    }
  }

  void poll_loop() {
    int64_t next_probe_ns = env_.monotonic_ns();
    while (!stop_.load()) {
      {
        std::unique_lock<std::mutex> lock(poll_mu_);
        poll_cv_.wait(lock, [&] { return !appending_ || stop_.load(); });
        polling_ = true;
      }
      rd_kafka_poll(rk_, 100);
      {
        std::lock_guard<std::mutex> lock(poll_mu_);
        polling_ = false;
      }
      poll_cv_.notify_all();
      // While the broker is marked down, probe it so health() recovers without an append.
      if (!health_->available() && env_.monotonic_ns() >= next_probe_ns) {
        next_probe_ns = env_.monotonic_ns() + 1'000'000'000;
        const rd_kafka_metadata_t* md = nullptr;
        if (rd_kafka_metadata(rk_, 0, nullptr, &md, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          rd_kafka_metadata_destroy(md);
          health_->up();
        }
      }
    }
  }

  // Partition count of the topic, 0 when it does not exist. Asks for all topics so a broker
  // with auto.create.topics.enable never creates it behind our back with the wrong count.
  Result<int32_t> topic_partitions(const Deadline& deadline) {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk_, 1, nullptr, &md, std::max(1, deadline.remaining_ms()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string why = health_->last_problem();
      if (why.empty()) why = "broker " + options_.brokers + " unreachable";
      return make_error(ErrorCode::kUnavailable, "kafka_unavailable",
                        "kafka: " + why + " (no metadata within " +
                            std::to_string(options_.timeout_ms) + " ms: " +
                            rd_kafka_err2str(err) + ")");
    }
    int32_t count = 0;
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (options_.topic == md->topics[i].topic &&
          md->topics[i].err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        count = md->topics[i].partition_cnt;
      }
    }
    rd_kafka_metadata_destroy(md);
    return count;
  }

  Status create_topic(const Deadline& deadline) {
    char errstr[512];
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(options_.topic.c_str(), options_.partitions,
                              options_.replication_factor, errstr, sizeof(errstr));
    if (topic == nullptr) {
      return make_error(ErrorCode::kInvalidArgument, "kafka_bad_topic",
                        "kafka: topic " + options_.topic + ": " + errstr);
    }
    // The ledger is the system of record: never expire events.
    rd_kafka_NewTopic_set_config(topic, "retention.ms", "-1");
    rd_kafka_NewTopic_set_config(topic, "retention.bytes", "-1");
    rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    const int32_t ms = std::max(1, deadline.remaining_ms());
    rd_kafka_AdminOptions_set_request_timeout(opts, ms, errstr, sizeof(errstr));
    rd_kafka_AdminOptions_set_operation_timeout(opts, ms, errstr, sizeof(errstr));
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_);
    rd_kafka_CreateTopics(rk_, &topic, 1, opts, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, ms + 1000);  // request timeout bounds it
    Status result;
    if (ev == nullptr) {
      result = kafka_error(RD_KAFKA_RESP_ERR__TIMED_OUT, "create topic " + options_.topic,
                           *health_);
    } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = kafka_error(rd_kafka_event_error(ev), "create topic " + options_.topic + " (" +
                                                         rd_kafka_event_error_string(ev) + ")",
                           *health_);
    } else {
      size_t cnt = 0;
      const rd_kafka_topic_result_t** res =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
      for (size_t i = 0; i < cnt; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          continue;  // a concurrent open may have created it first
        }
        const char* msg = rd_kafka_topic_result_error_string(res[i]);
        Error e = kafka_error(err, "create topic " + options_.topic + " (" +
                                       (msg ? msg : "") + ")", *health_);
        if (!is_unavailable(err)) e.code = ErrorCode::kInvalidArgument;  // e.g. replication > brokers
        result = e;
      }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(topic);
    return result;
  }

  Status wait_for_leaders(const Deadline& deadline, const std::atomic<bool>* cancel = nullptr) {
    std::string last = "no metadata";
    while (true) {
      if (cancel != nullptr && cancel->load()) {
        return make_error(ErrorCode::kUnavailable, "acquisition_cancelled",
                          "kafka: waiting for the leaders of " + options_.topic + " cancelled");
      }
      const rd_kafka_metadata_t* md = nullptr;
      const int32_t wait_ms = cancel != nullptr ? std::min(1000, deadline.remaining_ms())
                                                : deadline.remaining_ms();
      rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 1, nullptr, &md, std::max(1, wait_ms));
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        bool ready = false;
        for (int i = 0; i < md->topic_cnt; ++i) {
          const rd_kafka_metadata_topic_t& t = md->topics[i];
          if (options_.topic != t.topic) continue;
          if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            last = std::string("topic: ") + rd_kafka_err2str(t.err);
          } else if (t.partition_cnt != options_.partitions) {
            last = std::to_string(t.partition_cnt) + " partitions";
          } else {
            ready = true;
            for (int j = 0; j < t.partition_cnt; ++j) {
              if (t.partitions[j].err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partitions[j].leader < 0) {
                ready = false;
                last = "partition " + std::to_string(t.partitions[j].id) + " has no leader";
              }
            }
          }
        }
        rd_kafka_metadata_destroy(md);
        if (ready) return Status::Ok();
      } else {
        last = rd_kafka_err2str(err);
      }
      if (deadline.expired()) {
        return make_error(ErrorCode::kUnavailable, "kafka_no_leader",
                          "kafka: topic " + options_.topic + " on " + options_.brokers +
                              " not ready within " + std::to_string(options_.timeout_ms) +
                              " ms: " + last);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // commit_transaction returns once the coordinator has logged the decision; the markers that
  // make the batch visible to read_committed readers are written right after. Wait until the
  // last stable offset passes our events (ListOffsets uses isolation.level, read_committed by
  // default) so a reader opened after append returns sees them. Best effort within the
  // deadline: the batch is committed either way.
  void wait_visible(const std::vector<Position>& positions, const Deadline& deadline) {
    std::vector<int64_t> last(options_.partitions, -1);
    for (const Position& pos : positions) {
      last[pos.partition] = std::max(last[pos.partition], pos.offset);
    }
    for (int32_t p = 0; p < options_.partitions; ++p) {
      while (last[p] >= 0 && !deadline.expired()) {
        int64_t stable = 0;
        const rd_kafka_resp_err_t err = query_end_offset(
            rk_, options_.topic, p, std::min(1000, deadline.remaining_ms()), &stable);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && stable > last[p]) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  }

  // One record in a transaction of this (single-partition) writer: see
  // Ledger::append_fenced_record. Its delivery report is not waited for (the commit says it).
  Status append_record(const std::string& topic, const std::string& key, const std::string& value,
                       int32_t timeout_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    const PollerPause pause(*this);
    if (std::string f = fatal(); !f.empty()) {
      return make_error(ErrorCode::kInternal, "kafka_writer_fatal",
                        "kafka: writer is unusable after a fatal error: " + f);
    }
    const Deadline deadline(env_, timeout_ms);
    if (Status s = resolve_pending(deadline); !s.ok()) return s;
    uint64_t batch = 0;
    {
      std::lock_guard<std::mutex> dr_lock(dr_mu_);
      batch = ++batch_id_;
      slots_.clear();
    }
    if (rd_kafka_error_t* err = rd_kafka_begin_transaction(rk_)) {
      return consume_txn_error(err, "begin_transaction");
    }
    void* tag = reinterpret_cast<void*>(static_cast<uintptr_t>(batch << 32));
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(tag), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Error e = kafka_error(err, "produce to " + topic, *health_);
      abort_txn(deadline);
      return e;
    }
    if (rd_kafka_error_t* e = commit_in_slices(deadline)) {
      return consume_txn_error(e, "commit_transaction");
    }
    return Status::Ok();
  }

  // commit_transaction in slices of at most a second, refreshing the metadata between them, until
  // the deadline. When a partition's leader dies with the transaction under way, librdkafka 2.0.2
  // may go on waiting for it with stale metadata until the whole timeout is gone; a timed-out
  // commit may be called again (librdkafka's contract), and a metadata request makes it learn the
  // new leaders. A dead transaction coordinator is another matter: librdkafka asks who replaced
  // it only when it tries to reconnect, which it backs off up to reconnect.backoff.max.ms
  // (default 10 s; 1 s in every client here).
  rd_kafka_error_t* commit_in_slices(const Deadline& deadline) {
    for (;;) {
      rd_kafka_error_t* err =
          rd_kafka_commit_transaction(rk_, std::max(1, std::min(1000, deadline.remaining_ms())));
      if (err == nullptr || deadline.expired() || !rd_kafka_error_is_retriable(err) ||
          rd_kafka_error_is_fatal(err) || rd_kafka_error_txn_requires_abort(err)) {
        return err;
      }
      rd_kafka_error_destroy(err);
      const rd_kafka_metadata_t* md = nullptr;
      if (rd_kafka_metadata(rk_, 0, nullptr, &md, std::max(1, std::min(500, deadline.remaining_ms()))) ==
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(md);
      }
    }
  }

  // Finishes a commit or abort that timed out in an earlier append (both are resumable).
  Status resolve_pending(const Deadline& deadline) {
    if (pending_ == Pending::kNone) return Status::Ok();
    const bool commit = pending_ == Pending::kCommit;
    rd_kafka_error_t* err = commit ? commit_in_slices(deadline)
                                   : rd_kafka_abort_transaction(rk_, deadline.remaining_ms());
    if (err == nullptr) {
      pending_ = Pending::kNone;
      return Status::Ok();
    }
    Error e = consume_txn_error(err, commit ? "resuming commit_transaction"
                                            : "resuming abort_transaction")
                  .error();
    e.message += "; an earlier batch is still unresolved, this batch was not written";
    return e;
  }

  // Aborts the open transaction; a timeout leaves it to be resumed by the next append.
  void abort_txn(const Deadline& deadline) {
    rd_kafka_error_t* err = rd_kafka_abort_transaction(rk_, std::max(1000, deadline.remaining_ms()));
    if (err == nullptr) {
      pending_ = Pending::kNone;
      return;
    }
    if (rd_kafka_error_is_fatal(err)) {
      set_fatal(rd_kafka_error_string(err));
    } else {
      pending_ = Pending::kAbort;
    }
    rd_kafka_error_destroy(err);
  }

  // Turns a transactional API error into a Status, cleaning up the transaction as librdkafka
  // requires: fatal => unusable, abortable => abort, retriable timeout => resume later.
  Status consume_txn_error(rd_kafka_error_t* err, const char* what) {
    const rd_kafka_resp_err_t code = rd_kafka_error_code(err);
    const std::string text = rd_kafka_error_string(err);
    const bool fatal = rd_kafka_error_is_fatal(err);
    const bool abortable = rd_kafka_error_txn_requires_abort(err);
    const bool retriable = rd_kafka_error_is_retriable(err);
    rd_kafka_error_destroy(err);

    if (fatal || is_fenced(code)) {
      set_fatal(text);
      return make_error(ErrorCode::kInternal,
                        is_fenced(code) ? "kafka_writer_fenced" : "kafka_writer_fatal",
                        std::string("kafka: ") + what + ": " + text +
                            (is_fenced(code) ? " (another writer with transactional id " +
                                                   options_.transactional_id + " took over)"
                                             : ""));
    }
    Error e = kafka_error(code, what, *health_);
    e.message += std::string(" [") + text + "]";
    if (abortable) {
      abort_txn(Deadline(env_, options_.timeout_ms));
    } else if (retriable && std::string_view(what) == "commit_transaction") {
      // The commit goes on in the background: its outcome is not known yet.
      pending_ = Pending::kCommit;
      e.reason = "kafka_commit_uncertain";
      e.message += "; the batch may still become visible";
    } else if (std::string_view(what) == "commit_transaction") {
      abort_txn(Deadline(env_, options_.timeout_ms));
    }
    if (retriable || abortable) e.code = ErrorCode::kUnavailable;
    return e;
  }

  const KafkaLedgerOptions options_;
  Env& env_;  // monotonic clock of deadlines and probes, seeds of reader group ids
  std::shared_ptr<BrokerHealth> health_;
  rd_kafka_t* rk_ = nullptr;
  std::thread poller_;
  std::atomic<bool> stop_{false};
  // While an append runs, the poller thread stays out of rd_kafka_poll: commit_transaction's flush
  // serves the delivery reports itself, and when the poller took one, the flush slept out its
  // 10 ms poll slice before seeing the queue empty (half of a single command's 11 ms commit).
  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
  bool appending_ = false;  // guarded by poll_mu_
  bool polling_ = false;    // guarded by poll_mu_
  class PollerPause {
   public:
    explicit PollerPause(KafkaLedger& ledger) : ledger_(ledger) {
      std::unique_lock<std::mutex> lock(ledger_.poll_mu_);
      ledger_.appending_ = true;
      if (ledger_.polling_) {
        // Cuts the poller's current rd_kafka_poll short instead of waiting out its 100 ms.
        rd_kafka_queue_t* main_queue = rd_kafka_queue_get_main(ledger_.rk_);
        rd_kafka_queue_yield(main_queue);
        rd_kafka_queue_destroy(main_queue);
      }
      ledger_.poll_cv_.wait(lock, [&] { return !ledger_.polling_; });
    }
    ~PollerPause() {
      {
        std::lock_guard<std::mutex> lock(ledger_.poll_mu_);
        ledger_.appending_ = false;
      }
      ledger_.poll_cv_.notify_all();
    }
    PollerPause(const PollerPause&) = delete;
    PollerPause& operator=(const PollerPause&) = delete;

   private:
    KafkaLedger& ledger_;
  };

  std::mutex mu_;  // serialises append()
  Pending pending_ = Pending::kNone;

  std::mutex dr_mu_;  // guards delivery slots, written by the poller or the committing thread
  uint64_t batch_id_ = 0;
  std::vector<Slot> slots_;

  mutable std::mutex fatal_mu_;
  std::string fatal_;

  // per_partition_writers: the producers of the acquired partitions, and the high-mark client.
  mutable std::mutex owned_mu_;
  std::map<int32_t, std::shared_ptr<KafkaLedger>> owned_;
  std::mutex hw_mu_;
  rd_kafka_t* rk_hw_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Ledger>> open_kafka_ledger(const KafkaLedgerOptions& options) {
  if (options.brokers.empty() || options.topic.empty() || options.partitions < 1 ||
      options.replication_factor < 1 || options.timeout_ms < 1) {
    return make_error(ErrorCode::kInvalidArgument, "kafka_bad_options",
                      "kafka: brokers and topic must be set, partitions, replication factor and "
                      "timeout must be positive");
  }
  auto ledger = std::make_unique<KafkaLedger>(options);
  if (Status s = ledger->open(); !s.ok()) return s;
  return std::unique_ptr<Ledger>(std::move(ledger));
}

}  // namespace agritrace::events
