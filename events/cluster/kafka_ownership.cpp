#include "events/cluster/kafka_ownership.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "events/env/posix_env.h"

namespace agritrace::events {
namespace {

void quiet_log(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  if (level > 3) return;
  const std::string_view f(fac);
  if (f == "FAIL" || f == "ERROR" || f == "BROKERFAIL" || f == "CONNECT") return;
  std::fprintf(stderr, "kafka ownership: librdkafka %s: %s\n", fac, buf);
}

class KafkaOwnershipImpl final : public KafkaOwnership {
 public:
  KafkaOwnershipImpl(Ledger& ledger, KafkaOwnershipOptions options)
      : ledger_(ledger),
        options_(std::move(options)),
        env_(options_.env != nullptr ? *options_.env : posix_env()),
        group_("agritrace-writers." + options_.topic) {}

  ~KafkaOwnershipImpl() override { stop(); }

  bool owns(int32_t partition) const override {
    std::lock_guard lock(mu_);
    return owned_.count(partition) != 0;
  }

  std::optional<std::string> owner_url(int32_t partition) const override {
    std::lock_guard lock(mu_);
    if (owned_.count(partition) != 0) return options_.self_url;
    auto it = members_.find(partition);
    // Assigned to this node but not acquired yet (or lost): nobody can take it right now.
    if (it == members_.end() || it->second == options_.self_url) return std::nullopt;
    return it->second;
  }

  std::string self_url() const override { return options_.self_url; }

  std::vector<int32_t> owned_partitions() const override {
    std::lock_guard lock(mu_);
    return std::vector<int32_t>(owned_.begin(), owned_.end());
  }

  std::vector<int32_t> wait_owned_change(const std::vector<int32_t>& seen,
                                         int32_t timeout_ms) const override {
    std::unique_lock lock(mu_);
    const auto current = [&] { return std::vector<int32_t>(owned_.begin(), owned_.end()); };
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return current() != seen; });
    return current();
  }

  Status start(PartitionHandover& writer) override {
    if (rk_ != nullptr) {
      return make_error(ErrorCode::kInternal, "ownership_started", "ownership already started");
    }
    writer_ = &writer;
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", options_.brokers},
        {"group.id", group_},
        // The member's client id is its advertised URL: DescribeConsumerGroups tells every node
        // who owns which partition.
        {"client.id", options_.self_url.empty() ? std::string("agritrace-node") : options_.self_url},
        {"partition.assignment.strategy", "cooperative-sticky"},
        {"session.timeout.ms", std::to_string(options_.session_timeout_ms)},
        {"heartbeat.interval.ms", std::to_string(options_.heartbeat_interval_ms)},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "latest"},
        {"log.connection.close", "false"},
    };
    char errstr[512];
    for (const auto& [k, v] : settings) {
      if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return make_error(ErrorCode::kInvalidArgument, "kafka_bad_config",
                          std::string("kafka ownership: ") + k + "=" + v + ": " + errstr);
      }
    }
    rd_kafka_conf_set_log_cb(conf, quiet_log);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_opaque(conf, this);
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      return make_error(ErrorCode::kInternal, "kafka_client",
                        std::string("kafka ownership: ") + errstr);
    }
    rd_kafka_poll_set_consumer(rk_);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, options_.topic.c_str(), RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_destroy(rk_);
      rk_ = nullptr;
      return make_error(ErrorCode::kUnavailable, "kafka_subscribe",
                        std::string("kafka ownership: subscribe: ") + rd_kafka_err2str(err));
    }
    thread_ = std::thread([this] { loop(); });
    return Status::Ok();
  }

  void stop() override { finish(false); }
  void abandon() override { finish(true); }

 private:
  void finish(bool crash) {
    if (!thread_.joinable()) return;
    crash_.store(crash);
    stop_.store(true);
    thread_.join();
  }

  void loop() {
    int64_t next_describe_ns = 0;
    int64_t next_retry_ns = 0;
    while (!stop_.load()) {
      // Serves the rebalance callback. The assigned partitions are paused: no messages expected.
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100)) rd_kafka_message_destroy(m);
      const int64_t now = env_.monotonic_ns();
      if (now >= next_retry_ns) {
        next_retry_ns = now + 500'000'000;
        retry_acquisitions();
      }
      if (describe_now_.exchange(false) || now >= next_describe_ns) {
        next_describe_ns = now + int64_t{options_.describe_interval_ms} * 1'000'000;
        describe();
      }
    }
    if (crash_.load()) {
      // Like a crashed node: no LeaveGroup, the partitions move after the session timeout.
      std::set<int32_t> held;
      {
        std::lock_guard lock(mu_);
        held = assigned_;
        owned_.clear();
        assigned_.clear();
      }
      changed_.notify_all();
      for (int32_t p : held) ledger_.release_partition(p);
      rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    } else {
      rd_kafka_consumer_close(rk_);  // the revocation callback releases every partition
      std::set<int32_t> held;
      {
        std::lock_guard lock(mu_);
        held = assigned_;
      }
      if (!held.empty()) revoke(held);
      rd_kafka_destroy(rk_);
    }
    rk_ = nullptr;
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<KafkaOwnershipImpl*>(opaque);
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    std::set<int32_t> ps;
    for (int i = 0; i < partitions->cnt; ++i) {
      if (self->options_.topic == partitions->elems[i].topic) ps.insert(partitions->elems[i].partition);
    }
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      for (int i = 0; i < partitions->cnt; ++i) partitions->elems[i].offset = RD_KAFKA_OFFSET_END;
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions)) {
          std::fprintf(stderr, "kafka ownership: incremental_assign: %s\n", rd_kafka_error_string(e));
          rd_kafka_error_destroy(e);
        }
      } else {
        rd_kafka_assign(rk, partitions);
      }
      // The group only assigns; the writer's ledger reader reads.
      rd_kafka_pause_partitions(rk, partitions);
      for (int32_t p : ps) self->acquire(p);
    } else {
      // Revoked (or lost: another node may own them already). Stop first, then hand over.
      self->revoke(ps);
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) {
          rd_kafka_error_destroy(e);
        }
      } else {
        rd_kafka_assign(rk, nullptr);
      }
    }
    self->describe_now_.store(true);
  }

  // Fences the stale owner, folds the partition to its end, then owns it.
  void acquire(int32_t p) {
    {
      std::lock_guard lock(mu_);
      assigned_.insert(p);
    }
    auto end = ledger_.acquire_partition(p);
    Status caught = end.ok() ? writer_->catch_up(p, *end, options_.timeout_ms) : end.status();
    std::lock_guard lock(mu_);
    if (!caught.ok()) {
      std::fprintf(stderr, "kafka ownership: %s cannot take partition %d yet (retrying): %s\n",
                   options_.self_url.c_str(), p, caught.error().message.c_str());
      if (end.ok()) ledger_.release_partition(p);
      retry_.insert(p);
      return;
    }
    retry_.erase(p);
    if (assigned_.count(p) != 0) owned_.insert(p);
    changed_.notify_all();
  }

  void retry_acquisitions() {
    std::set<int32_t> again;
    {
      std::lock_guard lock(mu_);
      for (int32_t p : retry_) {
        if (assigned_.count(p) != 0 && owned_.count(p) == 0) again.insert(p);
      }
      retry_.clear();
    }
    for (int32_t p : again) acquire(p);
  }

  void revoke(const std::set<int32_t>& ps) {
    {
      std::lock_guard lock(mu_);
      for (int32_t p : ps) {
        owned_.erase(p);
        assigned_.erase(p);
        retry_.erase(p);
      }
      changed_.notify_all();
    }
    writer_->quiesce();  // the group in flight finishes; nothing more is appended to them here
    for (int32_t p : ps) ledger_.release_partition(p);
  }

  // Who owns which partition, from the group's description (members' client ids = URLs).
  void describe() {
    rd_kafka_AdminOptions_t* opts =
        rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(opts, 1000, errstr, sizeof(errstr));
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_);
    const char* groups[] = {group_.c_str()};
    rd_kafka_DescribeConsumerGroups(rk_, groups, 1, opts, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 1500);
    if (ev != nullptr && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::map<int32_t, std::string> members;
      size_t n = 0;
      const rd_kafka_ConsumerGroupDescription_t** descs =
          rd_kafka_DescribeConsumerGroups_result_groups(
              rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
      bool ok = n > 0;
      for (size_t g = 0; g < n; ++g) {
        if (rd_kafka_ConsumerGroupDescription_error(descs[g]) != nullptr) {
          ok = false;
          continue;
        }
        const size_t count = rd_kafka_ConsumerGroupDescription_member_count(descs[g]);
        for (size_t i = 0; i < count; ++i) {
          const rd_kafka_MemberDescription_t* m =
              rd_kafka_ConsumerGroupDescription_member(descs[g], static_cast<int>(i));
          const char* client = rd_kafka_MemberDescription_client_id(m);
          const rd_kafka_topic_partition_list_t* parts =
              rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(m));
          if (client == nullptr || parts == nullptr) continue;
          for (int j = 0; j < parts->cnt; ++j) {
            if (options_.topic == parts->elems[j].topic) members[parts->elems[j].partition] = client;
          }
        }
      }
      if (ok) {
        std::lock_guard lock(mu_);
        members_ = std::move(members);
      }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
  }

  Ledger& ledger_;
  const KafkaOwnershipOptions options_;
  Env& env_;
  const std::string group_;
  PartitionHandover* writer_ = nullptr;
  rd_kafka_t* rk_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> crash_{false};
  std::atomic<bool> describe_now_{true};

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // owned_ changed
  std::set<int32_t> assigned_;  // by the group
  std::set<int32_t> owned_;     // assigned, fenced and folded: commands are taken
  std::set<int32_t> retry_;     // assigned, acquisition failed: tried again every 0.5 s
  std::map<int32_t, std::string> members_;  // partition -> owner URL, from the group description
};

}  // namespace

Result<std::unique_ptr<KafkaOwnership>> KafkaOwnership::create(Ledger& ledger,
                                                               KafkaOwnershipOptions options) {
  if (options.brokers.empty() || options.topic.empty() || options.session_timeout_ms < 1 ||
      options.heartbeat_interval_ms < 1 || options.timeout_ms < 1 ||
      options.describe_interval_ms < 1) {
    return make_error(ErrorCode::kInvalidArgument, "bad_ownership_options",
                      "kafka ownership: brokers and topic must be set, intervals positive");
  }
  return std::unique_ptr<KafkaOwnership>(new KafkaOwnershipImpl(ledger, std::move(options)));
}

}  // namespace agritrace::events
