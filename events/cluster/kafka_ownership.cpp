#include "events/cluster/kafka_ownership.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "events/env/posix_env.h"

namespace agritrace::events {
namespace {

// Bound of one blocking step of an acquisition (a catch-up slice), so stop() is heard.
constexpr int32_t kSliceMs = 1000;
// Pause before an acquisition or announcement that failed is tried again.
constexpr int64_t kRetryNs = 500'000'000;
// Bound of one announcement's transaction (retried while the partition is owned).
constexpr int32_t kAnnounceTimeoutMs = 2000;
// Acquisitions run concurrently (a rebalance after the group coordinator was lost moves every
// partition of the node at once; each acquisition is mostly broker round trips).
constexpr int kAcquirers = 3;
// Bound of leaving the group on stop(): with the coordinator unreachable the node goes anyway
// (its partitions then move after the session timeout).
constexpr int64_t kCloseNs = 5'000'000'000;

void quiet_log(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  if (level > 3) return;
  const std::string_view f(fac);
  if (f == "FAIL" || f == "ERROR" || f == "BROKERFAIL" || f == "CONNECT") return;
  std::fprintf(stderr, "kafka ownership: librdkafka %s: %s\n", fac, buf);
}

// Sets every (name, value) on conf; the first failure as a Status.
Status configure(rd_kafka_conf_t* conf,
                 std::initializer_list<std::pair<const char*, std::string>> settings) {
  char errstr[512];
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      return make_error(ErrorCode::kInvalidArgument, "kafka_bad_config",
                        std::string("kafka ownership: ") + k + "=" + v + ": " + errstr);
    }
  }
  return Status::Ok();
}

class KafkaOwnershipImpl final : public KafkaOwnership {
 public:
  KafkaOwnershipImpl(Ledger& ledger, KafkaOwnershipOptions options)
      : ledger_(ledger),
        options_(std::move(options)),
        env_(options_.env != nullptr ? *options_.env : posix_env()),
        group_("agritrace-writers." + options_.topic),
        owners_topic_(options_.topic + ".owners") {}

  ~KafkaOwnershipImpl() override { stop(); }

  bool owns(int32_t partition) const override {
    std::lock_guard lock(mu_);
    return owned_.count(partition) != 0;
  }

  std::optional<std::string> owner_url(int32_t partition) const override {
    std::lock_guard lock(mu_);
    if (owned_.count(partition) != 0) return options_.self_url;
    // Assigned to this node but not acquired yet: nobody can take it right now.
    if (assigned_.count(partition) != 0) return std::nullopt;
    auto it = owners_.find(partition);
    if (it == owners_.end() || it->second == options_.self_url) return std::nullopt;
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
    char errstr[512];
    // The announcements' reader first: a group-less consumer of `<topic>.owners` (assigned, never
    // subscribed; the group id is never joined).
    {
      rd_kafka_conf_t* conf = rd_kafka_conf_new();
      Status s = configure(conf, {{"bootstrap.servers", options_.brokers},
                                  {"group.id", "agritrace-owners-reader"},
                                  {"client.id", "agritrace-owners-reader"},
                                  {"enable.auto.commit", "false"},
                                  {"enable.auto.offset.store", "false"},
                                  {"isolation.level", "read_committed"},
                                  // Finds a new coordinator sooner (docs/KAFKA.md).
                                  {"reconnect.backoff.max.ms", "1000"},
                                  {"log.connection.close", "false"}});
      if (!s.ok()) {
        rd_kafka_conf_destroy(conf);
        return s;
      }
      rd_kafka_conf_set_log_cb(conf, quiet_log);
      rk_owners_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
      if (rk_owners_ == nullptr) {
        rd_kafka_conf_destroy(conf);
        return make_error(ErrorCode::kInternal, "kafka_client",
                          std::string("kafka ownership: ") + errstr);
      }
      rd_kafka_poll_set_consumer(rk_owners_);  // one queue, served by the owners' thread
    }
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    Status s = configure(
        conf, {{"bootstrap.servers", options_.brokers},
               {"group.id", group_},
               // The member's client id is its advertised URL (operators see it in the group).
               {"client.id",
                options_.self_url.empty() ? std::string("agritrace-node") : options_.self_url},
               {"partition.assignment.strategy", "cooperative-sticky"},
               {"session.timeout.ms", std::to_string(options_.session_timeout_ms)},
               {"heartbeat.interval.ms", std::to_string(options_.heartbeat_interval_ms)},
               {"enable.auto.commit", "false"},
               {"enable.auto.offset.store", "false"},
               {"auto.offset.reset", "latest"},
               // Finds a new coordinator sooner (docs/KAFKA.md).
               {"reconnect.backoff.max.ms", "1000"},
               {"log.connection.close", "false"}});
    if (!s.ok()) {
      rd_kafka_conf_destroy(conf);
      destroy_owners_reader();
      return s;
    }
    rd_kafka_conf_set_log_cb(conf, quiet_log);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_opaque(conf, this);
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      destroy_owners_reader();
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
      destroy_owners_reader();
      return make_error(ErrorCode::kUnavailable, "kafka_subscribe",
                        std::string("kafka ownership: subscribe: ") + rd_kafka_err2str(err));
    }
    group_thread_ = std::thread([this] { group_loop(); });
    for (int i = 0; i < kAcquirers; ++i) acquirers_.emplace_back([this] { acquire_loop(); });
    owners_thread_ = std::thread([this] { owners_loop(); });
    return Status::Ok();
  }

  void stop() override { finish(false); }
  void abandon() override { finish(true); }

 private:
  void finish(bool crash) {
    if (!group_thread_.joinable()) return;
    crash_.store(crash);
    stop_.store(true);  // also cancels an acquisition in progress (within about a second)
    {
      std::lock_guard lock(mu_);
      work_.notify_all();
    }
    for (std::thread& t : acquirers_) t.join();
    acquirers_.clear();
    group_thread_.join();
    owners_thread_.join();
  }

  void destroy_owners_reader() {
    if (rk_owners_ != nullptr) rd_kafka_destroy_flags(rk_owners_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    rk_owners_ = nullptr;
  }

  // ---- The group: assignments and revocations only (librdkafka's rebalance callback). -------
  void group_loop() {
    while (!stop_.load()) {
      // Serves the rebalance callback. The assigned partitions are paused: no messages expected.
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100)) rd_kafka_message_destroy(m);
    }
    if (crash_.load()) {
      // Like a crashed node: no LeaveGroup, the partitions move after the session timeout.
      std::set<int32_t> held;
      {
        std::lock_guard lock(mu_);
        for (const auto& [p, epoch] : assigned_) held.insert(p);
        held.insert(owned_.begin(), owned_.end());
        owned_.clear();
        lost_.clear();
        assigned_.clear();
        todo_.clear();
        unannounced_.clear();
        changed_.notify_all();
      }
      for (int32_t p : held) ledger_.release_partition(p);
    } else {
      close_group();  // the revocation releases every partition
      std::set<int32_t> held;
      {
        std::lock_guard lock(mu_);
        for (const auto& [p, epoch] : assigned_) held.insert(p);
        held.insert(owned_.begin(), owned_.end());  // lost ones still held
      }
      if (!held.empty()) revoke(held);
    }
    rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    rk_ = nullptr;
  }

  // Leaves the group (its partitions move to the other nodes at once), bounded by kCloseNs: with
  // the coordinator unreachable rd_kafka_consumer_close would wait for its requests' timeouts.
  void close_group() {
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_);
    if (rd_kafka_error_t* e = rd_kafka_consumer_close_queue(rk_, q)) {
      std::fprintf(stderr, "kafka ownership: %s leaving the group: %s\n",
                   options_.self_url.c_str(), rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
      rd_kafka_queue_destroy(q);
      return;
    }
    const int64_t until = env_.monotonic_ns() + kCloseNs;
    while (!rd_kafka_consumer_closed(rk_)) {
      if (env_.monotonic_ns() >= until) {
        std::fprintf(stderr,
                     "kafka ownership: %s could not leave the group within %lld ms (coordinator "
                     "unreachable?); its partitions move after the session timeout\n",
                     options_.self_url.c_str(), static_cast<long long>(kCloseNs / 1'000'000));
        break;
      }
      rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 100);
      if (ev == nullptr) continue;
      if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE) {
        rebalanced(rk_, rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev));
      }
      rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<KafkaOwnershipImpl*>(opaque)->rebalanced(rk, err, partitions);
  }

  // No broker round trip here: an assignment is recorded for the acquirer thread; a revocation
  // stops taking commands for the partitions at once and waits for the group in flight.
  void rebalanced(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* partitions) {
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    std::set<int32_t> ps;
    for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
      if (options_.topic == partitions->elems[i].topic) ps.insert(partitions->elems[i].partition);
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
      {
        std::lock_guard lock(mu_);
        const int64_t now = env_.monotonic_ns();
        for (int32_t p : ps) {
          assigned_[p] = ++epoch_;
          const bool was_lost = lost_.erase(p) != 0;
          if (was_lost && owned_.count(p) != 0 && ledger_.holds_partition(p)) {
            // Lost, still owned and not found fenced since: back without an acquisition (if
            // another node acquired it meanwhile, the first append finds this producer fenced
            // and p is acquired again).
            std::fprintf(stderr, "kafka ownership: %s has partition %d back (still owned)\n",
                         options_.self_url.c_str(), p);
            continue;
          }
          if (was_lost && owned_.erase(p) != 0) changed_.notify_all();  // fenced meanwhile
          todo_[p] = now;
        }
        // The first assignment after a loss is this member's whole share: a lost partition not
        // in it went to another node (which fences this producer): given up at once.
        for (auto it = lost_.begin(); it != lost_.end();) {
          std::fprintf(stderr, "kafka ownership: %s gives up lost partition %d (assigned elsewhere)\n",
                       options_.self_url.c_str(), it->first);
          owned_.erase(it->first);
          unannounced_.erase(it->first);
          give_up_.insert(it->first);
          it = lost_.erase(it);
          changed_.notify_all();
        }
        work_.notify_all();
      }
    } else if (rd_kafka_assignment_lost(rk) != 0) {
      // Lost (this member's session expired, e.g. while the group coordinator moved): unlike a
      // revocation, no other node waits for this one to let go, and the group has usually given
      // the same partitions back a few seconds later. The owned ones keep taking commands for
      // a grace period (what keeps two nodes from both appending is fencing, not the group: a
      // node that acquires p fences this producer, whose next append fails and gives p up);
      // the others are dropped.
      std::set<int32_t> dropped;
      {
        std::lock_guard lock(mu_);
        const int64_t until = env_.monotonic_ns() + 2 * int64_t{options_.session_timeout_ms} * 1'000'000;
        for (int32_t p : ps) {
          assigned_.erase(p);
          todo_.erase(p);
          if (owned_.count(p) != 0) {
            lost_[p] = until;
          } else {
            dropped.insert(p);
          }
        }
        std::fprintf(stderr, "kafka ownership: %s lost its assignment (session expired); keeps its owned partitions until fenced, reassigned or %d ms\n",
                     options_.self_url.c_str(), 2 * options_.session_timeout_ms);
      }
      for (int32_t p : dropped) ledger_.release_partition(p);
      give_back(rk, partitions, cooperative);
    } else {
      // Revoked: another node is assigned them once this callback returns. Stop first, then
      // hand over.
      revoke(ps);
      give_back(rk, partitions, cooperative);
    }
  }

  // Hands `partitions` back to the group (the whole assignment under the eager protocol).
  static void give_back(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* partitions, bool cooperative) {
    if (!cooperative) {
      rd_kafka_assign(rk, nullptr);
    } else if (partitions != nullptr) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) rd_kafka_error_destroy(e);
    }
  }

  void revoke(const std::set<int32_t>& ps) {
    bool owned_any = false;
    {
      std::lock_guard lock(mu_);
      for (int32_t p : ps) {
        owned_any = owned_.erase(p) != 0 || owned_any;
        lost_.erase(p);
        assigned_.erase(p);
        todo_.erase(p);
        unannounced_.erase(p);
      }
      changed_.notify_all();
    }
    if (!ps.empty()) {
      std::string list;
      for (int32_t p : ps) {
        if (!list.empty()) list += ',';
        list += std::to_string(p);  // not `"," + to_string(p)`: GCC 12 -Wrestrict false positive
      }
      std::fprintf(stderr, "kafka ownership: %s gives up partition(s) %s (revoked or lost)\n",
                   options_.self_url.c_str(), list.c_str());
    }
    // The group in flight finishes; nothing more is appended to them here. (A partition that was
    // only being acquired took no command: nothing to wait for.)
    if (owned_any) writer_->quiesce();
    // An acquisition in progress sees the revocation and releases what it acquired itself.
    for (int32_t p : ps) ledger_.release_partition(p);
  }

  // ---- The acquirer: fences, folds, owns and announces assigned partitions, with retries. ----
  void acquire_loop() {
    while (!stop_.load()) {
      int32_t p = -1;
      uint64_t epoch = 0;
      std::set<int32_t> announce;
      std::set<int32_t> give_up;
      {
        std::unique_lock lock(mu_);
        const int64_t now = env_.monotonic_ns();
        // A partition this node owns whose producer the ledger dropped (an append or an
        // announcement found it fenced: an acquisition of another node that was already under
        // way when the group moved the partition here): not owned any more, acquired again
        // after a heartbeat interval (if this node is the stale one, its heartbeat learns the
        // partition was lost meanwhile, and the revocation cancels the acquisition).
        for (auto it = owned_.begin(); it != owned_.end();) {
          auto lost = lost_.find(*it);
          if (lost != lost_.end() && (lost->second <= now || !ledger_.holds_partition(*it))) {
            // Lost and not given back in time, or fenced (another node has it): given up.
            std::fprintf(stderr, "kafka ownership: %s gives up lost partition %d (%s)\n",
                         options_.self_url.c_str(), *it,
                         lost->second <= now ? "not reassigned in time" : "fenced");
            give_up_.insert(*it);
            lost_.erase(lost);
            unannounced_.erase(*it);
            it = owned_.erase(it);
            changed_.notify_all();
            continue;
          }
          if (lost != lost_.end() || ledger_.holds_partition(*it)) {
            ++it;
            continue;
          }
          std::fprintf(stderr, "kafka ownership: %s lost the producer of partition %d (fenced); acquiring it again\n",
                       options_.self_url.c_str(), *it);
          todo_[*it] = now + int64_t{options_.heartbeat_interval_ms} * 1'000'000;
          unannounced_.erase(*it);
          it = owned_.erase(it);
          changed_.notify_all();
        }
        give_up.swap(give_up_);
        if (now >= next_announce_ns_) {
          announce = unannounced_;
          next_announce_ns_ = now + kRetryNs;
        }
        auto due = todo_.end();
        for (auto it = todo_.begin(); it != todo_.end(); ++it) {
          if (acquiring_.count(it->first) != 0) continue;  // another acquirer's
          if (due == todo_.end() || it->second < due->second) due = it;
        }
        if (announce.empty() && give_up.empty()) {
          if (due == todo_.end() || due->second > now) {
            const int64_t wait_ns = due == todo_.end() ? kRetryNs : std::min(kRetryNs, due->second - now);
            work_.wait_for(lock, std::chrono::nanoseconds(wait_ns));
            continue;
          }
          p = due->first;
          epoch = assigned_.count(p) != 0 ? assigned_[p] : 0;
          todo_.erase(due);
          if (epoch != 0) acquiring_.insert(p);
        }
      }
      if (!give_up.empty()) {
        writer_->quiesce();  // the group in flight finishes
        for (int32_t g : give_up) {
          std::lock_guard lock(mu_);
          // Reassigned meanwhile: its acquisition opens a new producer anyway (and must not
          // lose it to this release).
          if (owned_.count(g) == 0 && assigned_.count(g) == 0 && acquiring_.count(g) == 0) {
            ledger_.release_partition(g);
          }
        }
      }
      for (int32_t a : announce) announce_owner(a);
      if (p >= 0 && epoch != 0) {
        acquire(p, epoch);
        std::lock_guard lock(mu_);
        acquiring_.erase(p);
        work_.notify_all();  // p may be due again (reassigned meanwhile)
      }
    }
  }

  // Whether p is still assigned by the assignment `epoch` (not revoked or reassigned since).
  bool current(int32_t p, uint64_t epoch) const {
    auto it = assigned_.find(p);
    return !stop_.load() && it != assigned_.end() && it->second == epoch;
  }

  // Fences the stale owner, folds the partition to its end, owns it, announces it.
  void acquire(int32_t p, uint64_t epoch) {
    const int64_t started_ns = env_.monotonic_ns();
    auto end = ledger_.acquire_partition(p, &stop_);
    const int64_t fenced_ns = env_.monotonic_ns();
    Status caught = end.ok() ? catch_up(p, *end, epoch) : end.status();
    {
      std::unique_lock lock(mu_);
      const bool mine = current(p, epoch);
      if (caught.ok() && mine) {
        owned_.insert(p);
        unannounced_.insert(p);
        changed_.notify_all();
        std::fprintf(stderr,
                     "kafka ownership: %s owns partition %d (acquired in %lld ms: fenced in %lld, "
                     "caught up in %lld)\n",
                     options_.self_url.c_str(), p,
                     static_cast<long long>((env_.monotonic_ns() - started_ns) / 1'000'000),
                     static_cast<long long>((fenced_ns - started_ns) / 1'000'000),
                     static_cast<long long>((env_.monotonic_ns() - fenced_ns) / 1'000'000));
      } else {
        if (mine) {
          std::fprintf(stderr, "kafka ownership: %s cannot take partition %d yet (retrying): %s\n",
                       options_.self_url.c_str(), p, caught.error().message.c_str());
          todo_[p] = env_.monotonic_ns() + kRetryNs;
        }
        lock.unlock();
        // Revoked meanwhile (the revocation found nothing to release yet) or failed.
        if (end.ok()) ledger_.release_partition(p);
        return;
      }
    }
    announce_owner(p);
  }

  // PartitionHandover::catch_up in slices, so that a revocation or stop() is heard.
  Status catch_up(int32_t p, int64_t end, uint64_t epoch) {
    const int64_t deadline = env_.monotonic_ns() + int64_t{options_.timeout_ms} * 1'000'000;
    while (true) {
      const int64_t left_ms = (deadline - env_.monotonic_ns()) / 1'000'000;
      const int32_t slice = static_cast<int32_t>(std::clamp<int64_t>(left_ms, 1, kSliceMs));
      Status s = writer_->catch_up(p, end, slice);
      if (s.ok() || s.error().reason != "catch_up_timeout" || env_.monotonic_ns() >= deadline) {
        return s;
      }
      std::lock_guard lock(mu_);
      if (!current(p, epoch)) {
        return make_error(ErrorCode::kUnavailable, "acquisition_cancelled",
                          "partition " + std::to_string(p) + " was revoked during its catch-up");
      }
    }
  }

  // Announces (partition -> this node's URL) on `<topic>.owners` in a transaction of the
  // partition's own producer: fenced like its events, so a stale owner's announcement can never
  // follow the new owner's. Retried while owned and not announced.
  void announce_owner(int32_t p) {
    {
      std::lock_guard lock(mu_);
      // Not before the topic exists: a transaction producing to a missing topic would time out
      // and leave the partition's next append to resolve it.
      if (!owners_ready_ || owned_.count(p) == 0 || unannounced_.count(p) == 0) return;
    }
    Status s = ledger_.append_fenced_record(p, owners_topic_, std::to_string(p), options_.self_url,
                                            kAnnounceTimeoutMs);
    std::lock_guard lock(mu_);
    if (s.ok()) {
      unannounced_.erase(p);
      owners_[p] = options_.self_url;  // the reader will read it too
      return;
    }
    // Fenced: holds_partition(p) is false now and the loop acquires p again.
    std::fprintf(stderr, "kafka ownership: %s cannot announce partition %d yet (retrying): %s\n",
                 options_.self_url.c_str(), p, s.error().message.c_str());
  }

  // ---- The owners' announcements: who owns the partitions of the other nodes. ----------------
  void owners_loop() {
    // The compacted topic of announcements, created by the first node (1 partition).
    bool reported = false;
    while (!stop_.load()) {
      Status s = create_owners_topic();
      if (s.ok()) break;
      if (!reported) {
        std::fprintf(stderr, "kafka ownership: %s (retrying)\n", s.error().message.c_str());
        reported = true;
      }
      std::unique_lock lock(mu_);
      work_.wait_for(lock, std::chrono::nanoseconds(kRetryNs), [&] { return stop_.load(); });
    }
    if (!stop_.load()) {
      {
        std::lock_guard lock(mu_);
        owners_ready_ = true;
      }
      rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
      rd_kafka_topic_partition_list_add(list, owners_topic_.c_str(), 0)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
      const rd_kafka_resp_err_t err = rd_kafka_assign(rk_owners_, list);
      rd_kafka_topic_partition_list_destroy(list);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kafka ownership: reading %s: %s\n", owners_topic_.c_str(),
                     rd_kafka_err2str(err));
      }
    }
    while (!stop_.load()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_owners_, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key != nullptr) {
        const char* k = static_cast<const char*>(m->key);
        int32_t p = -1;
        const auto [ptr, ec] = std::from_chars(k, k + m->key_len, p);
        if (ec == std::errc() && ptr == k + m->key_len && p >= 0) {
          std::lock_guard lock(mu_);
          if (m->payload == nullptr || m->len == 0) {
            owners_.erase(p);
          } else {
            owners_[p] = std::string(static_cast<const char*>(m->payload), m->len);
          }
        }
      }
      rd_kafka_message_destroy(m);
    }
    destroy_owners_reader();
  }

  Status create_owners_topic() {
    char errstr[512];
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(owners_topic_.c_str(), 1, options_.replication_factor, errstr,
                              sizeof(errstr));
    if (topic == nullptr) {
      return make_error(ErrorCode::kInvalidArgument, "kafka_bad_topic",
                        "kafka ownership: topic " + owners_topic_ + ": " + errstr);
    }
    rd_kafka_NewTopic_set_config(topic, "cleanup.policy", "compact");
    rd_kafka_AdminOptions_t* opts =
        rd_kafka_AdminOptions_new(rk_owners_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opts, 5000, errstr, sizeof(errstr));
    rd_kafka_AdminOptions_set_operation_timeout(opts, 5000, errstr, sizeof(errstr));
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_owners_);
    rd_kafka_CreateTopics(rk_owners_, &topic, 1, opts, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 6000);  // the request timeout bounds it
    Status result = Status::Ok();
    if (ev == nullptr) {
      result = make_error(ErrorCode::kUnavailable, "kafka_unavailable",
                          "kafka ownership: creating " + owners_topic_ + ": no answer");
    } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = make_error(ErrorCode::kUnavailable, "kafka_unavailable",
                          "kafka ownership: creating " + owners_topic_ + ": " +
                              rd_kafka_event_error_string(ev));
    } else {
      size_t n = 0;
      const rd_kafka_topic_result_t** res =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
      for (size_t i = 0; i < n; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          continue;
        }
        const char* msg = rd_kafka_topic_result_error_string(res[i]);
        result = make_error(ErrorCode::kUnavailable, "kafka_unavailable",
                            "kafka ownership: creating " + owners_topic_ + ": " +
                                rd_kafka_err2str(err) + " " + (msg != nullptr ? msg : ""));
      }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(topic);
    return result;
  }

  Ledger& ledger_;
  const KafkaOwnershipOptions options_;
  Env& env_;
  const std::string group_;
  const std::string owners_topic_;
  PartitionHandover* writer_ = nullptr;
  rd_kafka_t* rk_ = nullptr;         // the group member
  rd_kafka_t* rk_owners_ = nullptr;  // the announcements' reader
  std::thread group_thread_;
  std::vector<std::thread> acquirers_;
  std::thread owners_thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> crash_{false};

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // owned_ changed
  std::condition_variable work_;             // an assignment to acquire, or stop
  uint64_t epoch_ = 0;                       // assignments so far
  std::map<int32_t, uint64_t> assigned_;     // by the group: partition -> its assignment's epoch
  std::set<int32_t> owned_;                  // assigned, fenced and folded: commands are taken
  std::map<int32_t, int64_t> todo_;          // assigned, to acquire from this monotonic time on
  std::set<int32_t> acquiring_;              // being acquired by an acquirer thread
  std::map<int32_t, int64_t> lost_;          // owned, assignment lost: kept until this time
  std::set<int32_t> give_up_;                // lost owned partitions to release
  std::set<int32_t> unannounced_;            // owned, not announced on <topic>.owners yet
  int64_t next_announce_ns_ = 0;
  bool owners_ready_ = false;                // <topic>.owners exists
  std::map<int32_t, std::string> owners_;    // partition -> owner URL, from <topic>.owners
};

}  // namespace

Result<std::unique_ptr<KafkaOwnership>> KafkaOwnership::create(Ledger& ledger,
                                                               KafkaOwnershipOptions options) {
  if (options.brokers.empty() || options.topic.empty() || options.session_timeout_ms < 1 ||
      options.heartbeat_interval_ms < 1 || options.timeout_ms < 1 ||
      (options.replication_factor < 1 && options.replication_factor != -1)) {
    return make_error(ErrorCode::kInvalidArgument, "bad_ownership_options",
                      "kafka ownership: brokers and topic must be set, intervals positive, the "
                      "replication factor positive or -1");
  }
  return std::unique_ptr<KafkaOwnership>(new KafkaOwnershipImpl(ledger, std::move(options)));
}

}  // namespace agritrace::events
