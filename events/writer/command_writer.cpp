#include "events/writer/command_writer.h"

#include "events/pii/pii_vault.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <set>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/base/identifiers.h"
#include "core/base/civil_time.h"
#include "core/domain/across.h"
#include "core/domain/decide.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/domain/write_model.h"
#include "core/inventory/stock.h"
#include "events/codec/domain_codec.h"
#include "events/env/posix_env.h"
#include "events/writer/writer_index.h"

#define WRITER_TRY(expr)      \
  do {                        \
    Status status_ = (expr);  \
    if (!status_.ok()) return status_; \
  } while (false)

namespace agritrace::events {
namespace {


constexpr int64_t kShrinkEveryMs = int64_t{24} * 3600 * 1000;

std::string idem_slot(std::string_view tenant, std::string_view key) {
  return core::tenant_slot(tenant, key);
}

struct TenantHead {
  int64_t seq = 0;
  std::string hash = genesis_hash();
};

// The write model's CrossTenantFacts, noting every enterprise a decision reads (the recall walk
// included: it goes on through this object).
class RecordingFacts final : public core::CrossTenantFacts {
 public:
  RecordingFacts(const core::WriteModel& model, std::vector<std::string>* read)
      : model_(model), read_(read) {}
  std::optional<core::EnterpriseFacts> enterprise(std::string_view tenant) const override {
    read_->emplace_back(tenant);
    return model_.enterprise(tenant);
  }
  std::optional<core::ProducerBatchFacts> producer_batch(std::string_view producer,
                                                         std::string_view batch_id) const override {
    read_->emplace_back(producer);
    return model_.producer_batch(producer, batch_id);
  }
  std::optional<core::OriginCodeFacts> origin_code(std::string_view origin,
                                                   std::string_view serial) const override {
    read_->emplace_back(origin);
    return model_.origin_code(origin, serial);
  }
  std::optional<core::UpstreamRecall> upstream_recall(std::string_view tenant,
                                                      std::string_view item_id,
                                                      int depth) const override {
    read_->emplace_back(tenant);
    const core::TenantState* s = model_.find(tenant);
    if (s == nullptr) return std::nullopt;
    return core::recall_walk(*s, tenant, item_id, this, depth);
  }
  std::optional<core::CatalogueProduct> catalogue_product(std::string_view product_id) const override {
    read_->emplace_back(core::kPlatformTenant);
    return model_.catalogue_product(product_id);
  }

 private:
  const core::WriteModel& model_;
  std::vector<std::string>* read_;
};


class CommandWriterImpl final : public CommandWriter {
 public:
  CommandWriterImpl(Ledger& ledger, CommandWriterOptions options, std::unique_ptr<WriterIndex> index)
      : ledger_(ledger), options_(std::move(options)), index_(std::move(index)) {
    if (options_.env == nullptr) options_.env = &posix_env();
    states_.set_code_store(index_.get());
  }
  ~CommandWriterImpl() override { stop(); }

  Status rebuild() {
    // An index ahead of the ledger, or of another history, is folded again from the start.
    auto ends = ledger_.end_offsets();
    if (!ends.ok()) return ends.status();
    if (!index_->fits(*ends)) WRITER_TRY(index_->wipe());
    bool stale = false;
    WRITER_TRY(fold_ledger(&stale));
    if (stale) {
      WRITER_TRY(index_->wipe());
      WRITER_TRY(fold_ledger(&stale));
    }
    // Keys past their retention keep only their instant (enough to answer expired). A pass reads
    // every keyed record, so it runs at most once a day (expiry itself is decided by the instant,
    // shrunk or not: this only reclaims space).
    const int64_t cutoff = options_.env->now_ms() - options_.idempotency_retention_ms;
    const std::optional<int64_t> last = index_->last_shrink_cutoff();
    if (!last || cutoff < *last || cutoff - *last >= kShrinkEveryMs) index_->shrink_keys_before(cutoff);
    WRITER_TRY(index_->commit(std::vector<StoredEvent>{}));
    needs_rebuild_ = false;
    return Status::Ok();
  }

  Status fold_ledger(bool* stale) {
    states_.clear();
    heads_.clear();
    index_->discard();
    tail_.reset();
    folded_.assign(static_cast<size_t>(ledger_.partition_count()), -1);
    ends_seen_.assign(folded_.size(), -1);
    core::CredentialIndex creds;
    auto reader = ledger_.open_reader({});
    if (!reader.ok()) return reader.status();
    for (;;) {
      auto polled = (*reader)->poll(200, 4096);
      if (!polled.ok()) return polled.status();
      note_ends(*polled);
      for (const StoredEvent& se : polled->events) {
        note_folded(se.position);
        if (!index_->consistent(se)) {
          *stale = true;
          index_->discard();
          return Status::Ok();
        }
        // Events the index already holds change the in-memory state only (and the stored
        // entities are not even read: core::StoredMapCache::set_blind).
        const bool covered = index_->covers(se.position);
        index_->set_skip_writes(covered);
        states_.set_blind(covered);
        Status s = fold(se, &creds);
        states_.set_blind(false);
        index_->set_skip_writes(false);
        if (!s.ok()) return s;
      }
      WRITER_TRY(index_->commit(polled->events));
      if (polled->at_end) break;
      if (polled->events.empty()) {
        // Never wait forever for a ledger that cannot be reached: the caller answers 503.
        const LedgerHealth health = ledger_.health();
        if (!health.available) {
          return make_error(ErrorCode::kUnavailable, "ledger_unavailable", health.detail);
        }
      }
    }
    *stale = false;
    {
      std::unique_lock lock(keys_mu_);
      creds_ = std::move(creds);
    }
    // The same reader goes on: the partitions other nodes write are folded as they grow.
    tail_ = std::move(*reader);
    return Status::Ok();
  }

  void note_folded(const Position& p) {
    if (p.partition < 0 || static_cast<size_t>(p.partition) >= folded_.size()) return;
    int64_t& f = folded_[static_cast<size_t>(p.partition)];
    f = std::max(f, p.offset);
  }
  void note_ends(const PollResult& polled) {
    for (const Position& e : polled.ends_reached) {
      if (e.partition < 0 || static_cast<size_t>(e.partition) >= ends_seen_.size()) continue;
      int64_t& seen = ends_seen_[static_cast<size_t>(e.partition)];
      seen = std::max(seen, e.offset);
    }
  }

  // Folds what the ledger gained since the last look (other nodes' partitions; this node's own
  // appends are already folded and skipped). wait_ms bounds the wait when nothing is buffered.
  // On the writer thread or under group_mu_.
  Status tail_fold(int32_t wait_ms) {
    if (tail_ == nullptr) return Status::Ok();
    for (;;) {
      auto polled = tail_->poll(wait_ms, 4096);
      if (!polled.ok()) return polled.status();
      note_ends(*polled);
      std::vector<StoredEvent> fresh;
      for (StoredEvent& se : polled->events) {
        const auto p = static_cast<size_t>(se.position.partition);
        if (p < folded_.size() && se.position.offset <= folded_[p]) continue;
        fresh.push_back(std::move(se));
      }
      if (!fresh.empty()) {
        std::unique_lock lock(keys_mu_);
        for (const StoredEvent& se : fresh) {
          WRITER_TRY(fold(se, &creds_));
          note_folded(se.position);
        }
      }
      if (!fresh.empty()) WRITER_TRY(index_->commit(fresh));
      if (polled->events.empty()) return Status::Ok();
      wait_ms = 0;
    }
  }

  bool caught_up(int32_t partition, int64_t end) const {
    const auto p = static_cast<size_t>(partition);
    if (p >= folded_.size()) return false;
    return folded_[p] + 1 >= end || ends_seen_[p] >= end;
  }

 public:
  Status catch_up(int32_t partition, int64_t end_offset, int32_t timeout_ms) override {
    std::lock_guard group(group_mu_);
    const int64_t deadline_ns = options_.env->monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
    if (needs_rebuild_) WRITER_TRY(rebuild());
    while (!caught_up(partition, end_offset)) {
      if (options_.env->monotonic_ns() >= deadline_ns) {
        return make_error(ErrorCode::kUnavailable, "catch_up_timeout",
                          fmt::format("the writer did not fold partition {} up to offset {} "
                                      "within {} ms",
                                      partition, end_offset, timeout_ms));
      }
      if (Status s = tail_fold(50); !s.ok()) {
        needs_rebuild_ = true;
        return s;
      }
    }
    return Status::Ok();
  }

  void quiesce() override { std::lock_guard group(group_mu_); }

 private:
  bool tailing() const { return options_.ownership != nullptr; }

  Error not_owned_error(const std::string& tenant, int32_t partition) const {
    const std::optional<std::string> owner = options_.ownership->owner_url(partition);
    return make_error(
        ErrorCode::kUnavailable, "partition_not_owned",
        owner && *owner != options_.ownership->self_url()
            ? fmt::format("partition {} of enterprise {} is owned by {}", partition, tenant, *owner)
            : fmt::format("partition {} of enterprise {} has no owner right now (ownership is "
                          "moving between nodes); retry shortly",
                          partition, tenant));
  }

 public:

  void start_thread() { thread_ = std::thread([this] { run(); }); }

  void submit(CommandSubmission submission) override {
    std::vector<CommandSubmission> one;
    one.push_back(std::move(submission));
    submit_all(std::move(one));
  }

  void submit_all(std::vector<CommandSubmission> submissions) override {
    if (submissions.empty()) return;
    bool stopping = false;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
      if (!stopping && queue_.size() + submissions.size() <= options_.max_queued_commands) {
        for (CommandSubmission& s : submissions) queue_.push_back(std::move(s));
        cv_.notify_one();
        return;
      }
      if (!stopping) {
        std::lock_guard stats_lock(stats_mu_);
        stats_.commands_shed += submissions.size();
      }
    }
    for (CommandSubmission& s : submissions) {
      if (stopping) {
        s.done(make_error(ErrorCode::kUnavailable, "server_stopping", "the server is stopping"));
      } else {
        s.done(make_error(ErrorCode::kUnavailable, "writer_queue_full",
                          fmt::format("the command writer's queue holds at most {} commands and "
                                      "is full; retry shortly (with the same Idempotency-Key)",
                                      options_.max_queued_commands)));
      }
    }
  }

  std::optional<core::KeyGrant> find_api_key(std::string_view key_sha256) const override {
    std::shared_lock lock(keys_mu_);
    return creds_.key(key_sha256);
  }

  std::optional<core::UserCredential> find_user(std::string_view tenant,
                                                std::string_view username) const override {
    std::shared_lock lock(keys_mu_);
    return creds_.user(tenant, username);
  }

  bool tenant_registered(std::string_view tenant) const override {
    std::shared_lock lock(keys_mu_);
    return creds_.tenant_registered(tenant);
  }

  CommandWriterStats stats() const override {
    size_t queued = 0;
    {
      std::lock_guard lock(mu_);
      queued = queue_.size();
    }
    std::lock_guard lock(stats_mu_);
    CommandWriterStats out = stats_;
    out.queued = queued;
    return out;
  }

  void stop() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_ && !thread_.joinable()) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  // Applies one ledger event to the write model; checks the tenant's hash chain as it goes.
  Status fold(const StoredEvent& se, core::CredentialIndex* creds) {
    const Envelope& e = se.envelope;
    TenantHead& head = heads_[e.tenant];
    if (e.tenant_seq != head.seq + 1 || e.prev_hash != head.hash) {
      return make_error(ErrorCode::kCorruption, "hash_chain_broken",
                        fmt::format("tenant {} event {} at {} does not follow seq {} (run agritrace "
                                    "verify)",
                                    e.tenant, e.tenant_seq, se.position.to_string(), head.seq));
    }
    head.seq = e.tenant_seq;
    head.hash = e.hash;
    auto event = decode_event_payload(e.type, e.payload_json);
    if (!event.ok()) return event.status();
    if (options_.pii != nullptr) options_.pii->open(e.tenant, *event);
    states_.apply(e.tenant, *event);
    creds->apply(e.tenant, *event);
    if (!e.idempotency_key.empty()) {
      index_->add_key_event(e.tenant, e.idempotency_key, e.request_hash, e.command_id,
                            e.recorded_at_ms, EventRef{e.id, e.type, e.subject, se.position});
    }
    return Status::Ok();
  }

  // The answers of the current group wait here until its audit records are durable.
  struct Completion {
    CommandSubmission* sub;
    Result<CommandOutcome> result;
  };

  void audit(const CommandSubmission& sub, std::string outcome, const std::string& command_id,
             std::optional<ErrorCode> error = std::nullopt) {
    if (!options_.audit) return;
    audit_records_.push_back(AuditRecord{options_.env->now_ms(), sub.tenant, sub.actor,
                                         sub.command_name, sub.idempotency_key, std::move(outcome),
                                         command_id, sub.source, error});
  }

  void complete(CommandSubmission& sub, Result<CommandOutcome> result) {
    completions_.push_back(Completion{&sub, std::move(result)});
  }

  void refuse(CommandSubmission& sub, Error error) {
    audit(sub, error.reason, "", error.code);
    {
      std::lock_guard lock(stats_mu_);
      ++stats_.commands_rejected;
    }
    complete(sub, std::move(error));
  }

  // Makes the group's audit records durable, then answers its commands (every answer waits for
  // its record: nothing is acknowledged that the audit trail does not hold).
  void finish_group() {
    Status audited = Status::Ok();
    if (options_.audit && !audit_records_.empty()) audited = options_.audit(audit_records_);
    audit_records_.clear();
    std::vector<Completion> done = std::move(completions_);
    completions_.clear();
    for (Completion& c : done) {
      if (!audited.ok()) {
        c.sub->done(make_error(ErrorCode::kUnavailable, "audit_unavailable",
                               "the audit trail cannot be written: " + audited.error().message));
      } else {
        c.sub->done(std::move(c.result));
      }
    }
  }

  void run() {
    for (;;) {
      std::vector<CommandSubmission> group;
      {
        std::unique_lock lock(mu_);
        const auto ready = [&] { return stopping_ || !queue_.empty(); };
        if (tailing()) {
          // Idle: wake up every tail_interval_ms to fold what other nodes appended.
          cv_.wait_for(lock, std::chrono::milliseconds(options_.tail_interval_ms), ready);
        } else {
          cv_.wait(lock, ready);
        }
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && group.size() < options_.max_group_commands) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      {
        std::lock_guard guard(group_mu_);
        if (tailing() && !needs_rebuild_) {
          if (Status t = tail_fold(0); !t.ok()) {
            std::fprintf(stderr, "writer: folding the ledger failed, folding it again: %s\n",
                         t.error().message.c_str());
            needs_rebuild_ = true;
          }
        }
        if (!group.empty()) process(group);
      }
      finish_group();
      if (!deferred_.empty()) {
        // Commands that read facts another partition's transaction of the last group produced:
        // first in the next group, in their order.
        std::lock_guard lock(mu_);
        for (auto it = deferred_.rbegin(); it != deferred_.rend(); ++it) {
          queue_.push_front(std::move(*it));
        }
        deferred_.clear();
      }
    }
  }

  // A command of the current group that produced events, waiting for the append.
  struct Pending {
    CommandSubmission* sub;
    std::string command_id;
    size_t first = 0;  // index of its first event in the group's batch
    size_t count = 0;
    std::vector<core::Event> credential_events;  // applied to the index once durable
    std::vector<CommandSubmission*> followers;  // same key, same request, same group
  };

  void process(std::vector<CommandSubmission>& group) {
    // Fail fast while the ledger is unreachable instead of letting commands wait on it.
    const LedgerHealth health = ledger_.health();
    if (!health.available) {
      for (auto& sub : group) {
        refuse(sub, make_error(ErrorCode::kUnavailable, "ledger_unavailable",
                               "the ledger is not reachable: " + health.detail));
      }
      return;
    }
    if (needs_rebuild_) {
      Status s = rebuild();
      if (!s.ok()) {
        for (auto& sub : group) {
          refuse(sub, make_error(ErrorCode::kUnavailable, "ledger_unavailable",
                                 "the ledger cannot be read: " + s.error().message));
        }
        return;
      }
    }
    // One instant per group; the calendar day is the platform's (Asia/Shanghai) day of it.
    const int64_t now_ms = options_.env->now_ms();
    const core::Date today = core::date_from_unix_ms(now_ms, kPlatformUtcOffsetMinutes);
    core::Context base_ctx{};
    base_ctx.facts = &states_;  // other enterprises' facts and the catalogue
    // Several nodes: each partition's events are a transaction of their own, so a decision must
    // not rest on what another partition's pending events of this group changed (that
    // transaction may fail while this one commits). Such a command waits for the next group.
    const bool per_partition = options_.ownership != nullptr;
    std::unordered_map<std::string, std::set<int32_t>> touched;  // tenant -> partitions
    std::unordered_set<std::string> deferred_tenants;
    std::vector<std::string> reads;
    RecordingFacts recorder(states_, &reads);
    const auto rests_on_other_partition = [&](const std::string& tenant, int32_t partition) {
      const auto other = [&](const std::string& t) {
        auto it = touched.find(t);
        return it != touched.end() &&
               std::any_of(it->second.begin(), it->second.end(),
                           [&](int32_t q) { return q != partition; });
      };
      return other(tenant) || std::any_of(reads.begin(), reads.end(), other);
    };
    std::vector<Envelope> batch;
    std::vector<Pending> pending;
    std::unordered_map<std::string, size_t> pending_by_key;
    for (auto& sub : group) {
      // What the last command only read (a refusal, a deferral) leaves the write model's cache.
      states_.flush();
      const int32_t partition = ledger_.partition_for(sub.tenant);
      if (per_partition) {
        if (!options_.ownership->owns(partition)) {
          refuse(sub, not_owned_error(sub.tenant, partition));
          continue;
        }
        if (deferred_tenants.count(sub.tenant) != 0) {  // keeps the tenant's commands in order
          deferred_.push_back(std::move(sub));
          continue;
        }
      }
      if (!sub.idempotency_key.empty()) {
        const std::string slot = idem_slot(sub.tenant, sub.idempotency_key);
        if (auto found = index_->find_key(sub.tenant, sub.idempotency_key, sub.request_hash)) {
          if (found->shrunk || now_ms - found->at_ms > options_.idempotency_retention_ms) {
            refuse(sub, expired_key_error(found->at_ms));
          } else if (!found->same_request) {
            refuse(sub, reused_key_error());
          } else {
            audit(sub, "replayed", found->outcome.command_id);
            complete(sub, std::move(found->outcome));
          }
          continue;
        }
        if (auto it = pending_by_key.find(slot); it != pending_by_key.end()) {
          Pending& first = pending[it->second];
          if (first.sub->request_hash != sub.request_hash) {
            refuse(sub, reused_key_error());
          } else {
            first.followers.push_back(&sub);
          }
          continue;
        }
      }
      core::Context ctx = base_ctx;
      ctx.tenant = sub.tenant;
      ctx.actor = sub.actor;
      ctx.now_ms = now_ms;
      ctx.today = today;
      core::TenantState& state = states_[sub.tenant];
      reads.clear();
      if (per_partition) ctx.facts = &recorder;
      auto decided = core::decide(state, sub.command, ctx);
      if (per_partition && rests_on_other_partition(sub.tenant, partition)) {
        deferred_tenants.insert(sub.tenant);
        deferred_.push_back(std::move(sub));
        continue;
      }
      if (!decided.ok()) {
        refuse(sub, decided.error());
        continue;
      }
      // Every id is drawn before the write model changes: a failed draw refuses the command.
      auto drawn = new_event_ids(*options_.env, decided->size() + 1);
      if (!drawn.ok()) {
        refuse(sub, drawn.error());
        continue;
      }
      // Personal data is sealed before the write model changes: a failed seal refuses the command.
      std::vector<std::string> payloads;
      Status sealed = Status::Ok();
      for (const core::Event& ev : *decided) {
        if (options_.pii == nullptr) {
          payloads.push_back(encode_event_payload(ev));
          continue;
        }
        core::Event copy = ev;
        sealed = options_.pii->seal(sub.tenant, copy);
        if (!sealed.ok()) break;
        payloads.push_back(encode_event_payload(copy));
      }
      if (!sealed.ok()) {
        refuse(sub, sealed.error());
        continue;
      }
      std::vector<std::string>& ids = *drawn;
      Pending p{&sub, std::move(ids[0]), batch.size(), decided->size(), {}, {}};
      size_t next_id = 1;
      TenantHead& head = heads_[sub.tenant];
      size_t next_payload = 0;
      for (const core::Event& ev : *decided) {
        states_.apply(sub.tenant, ev);
        if (per_partition) {
          touched[sub.tenant].insert(partition);
          const std::string target = core::cross_tenant_target(sub.tenant, ev);
          if (!target.empty()) touched[target].insert(partition);
        }
        if (core::CredentialIndex::concerns(ev)) p.credential_events.push_back(ev);
        Envelope e;
        e.id = std::move(ids[next_id++]);
        e.type = std::string(core::event_type(ev));
        e.tenant = sub.tenant;
        e.tenant_seq = ++head.seq;
        e.actor = sub.actor;
        e.occurred_at_ms = now_ms;
        e.recorded_at_ms = now_ms;
        e.command_id = p.command_id;
        e.idempotency_key = sub.idempotency_key;
        e.request_hash = sub.request_hash;
        e.subject = core::event_subject(ev);
        e.payload_json = std::move(payloads[next_payload++]);
        e.prev_hash = head.hash;
        e.hash = compute_chain_hash(e);
        head.hash = e.hash;
        batch.push_back(std::move(e));
      }
      if (!sub.idempotency_key.empty()) {
        pending_by_key[idem_slot(sub.tenant, sub.idempotency_key)] = pending.size();
      }
      pending.push_back(std::move(p));
    }
    states_.flush();
    if (batch.empty()) {
      index_->discard();
      return;
    }

    std::vector<Position> positions;
    std::map<int32_t, Status> by_partition;
    Status appended = per_partition
                          ? ledger_.append_per_partition(batch, &positions, &by_partition)
                          : ledger_.append(batch, &positions);
    if (!appended.ok()) {
      index_->discard();
      // The write model already holds the group's effects; fold the ledger again before the next
      // command so that it reflects exactly what is durable.
      needs_rebuild_ = true;
      // Per partition, the commands of the partitions that failed are refused; the others are
      // durable and acknowledged (their index records come back with the fold).
      std::vector<Pending> durable;
      for (Pending& p : pending) {
        Status st = appended;
        if (per_partition) {
          auto it = by_partition.find(ledger_.partition_for(p.sub->tenant));
          if (it != by_partition.end()) st = it->second;
        }
        if (st.ok()) {
          durable.push_back(std::move(p));
          continue;
        }
        Error err = st.error();
        if (err.code != ErrorCode::kUnavailable && err.code != ErrorCode::kTimeout) {
          err = make_error(ErrorCode::kUnavailable, "ledger_append_failed", err.message);
        }
        refuse(*p.sub, err);
        for (auto* f : p.followers) refuse(*f, err);
      }
      if (durable.empty()) return;
      pending = std::move(durable);
    }
    for (const Position& pos : positions) {
      if (pos.offset >= 0) note_folded(pos);
    }
    {
      std::lock_guard lock(stats_mu_);
      stats_.appends += 1;
      for (const Pending& p : pending) stats_.events_appended += p.count;
      stats_.commands_accepted += pending.size();
    }
    {
      std::unique_lock lock(keys_mu_);
      for (Pending& p : pending) {
        for (const core::Event& ev : p.credential_events) creds_.apply(p.sub->tenant, ev);
      }
    }
    std::vector<CommandOutcome> outcomes;
    outcomes.reserve(pending.size());
    for (Pending& p : pending) {
      CommandOutcome& out = outcomes.emplace_back(CommandOutcome{p.command_id, {}, false});
      for (size_t i = p.first; i < p.first + p.count; ++i) {
        out.events.push_back(EventRef{batch[i].id, batch[i].type, batch[i].subject, positions[i]});
      }
      if (!p.sub->idempotency_key.empty() && appended.ok()) {
        index_->put_key(p.sub->tenant, p.sub->idempotency_key, p.sub->request_hash, p.command_id,
                        now_ms, out.events);
      }
    }
    // The group is durable in the ledger; now the index may say so. Should the index fail, the
    // next group folds the ledger again (the commands stay acknowledged: the ledger has them).
    if (appended.ok() && !index_->commit(batch, positions).ok()) needs_rebuild_ = true;
    for (size_t k = 0; k < pending.size(); ++k) {
      Pending& p = pending[k];
      CommandOutcome& out = outcomes[k];
      audit(*p.sub, "accepted", p.command_id);
      for (auto* f : p.followers) {
        CommandOutcome again = out;
        again.replayed = true;
        audit(*f, "replayed", p.command_id);
        complete(*f, std::move(again));
      }
      complete(*p.sub, std::move(out));
    }
  }

  Error expired_key_error(int64_t at_ms) const {
    return make_error(ErrorCode::kConflict, "idempotency_key_expired",
                      fmt::format("this Idempotency-Key answered a command recorded at {}, longer ago "
                                  "than the retention of {} days; send the request with a new key",
                                  core::format_rfc3339_utc(at_ms),
                                  options_.idempotency_retention_ms / (24 * 3600 * 1000.0)),
                      "Idempotency-Key");
  }

  static Error reused_key_error() {
    return make_error(ErrorCode::kInvalidArgument, "idempotency_key_reused",
                      "this Idempotency-Key was already used for a different request",
                      "Idempotency-Key");
  }

  Ledger& ledger_;
  CommandWriterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CommandSubmission> queue_;
  bool stopping_ = false;
  std::thread thread_;

  // Owned by the writer thread (and by rebuild() before the thread starts).
  // Every tenant's state; an event folds into its tenant and into the enterprise it concerns.
  core::WriteModel states_;
  std::unordered_map<std::string, TenantHead> heads_;
  std::unique_ptr<WriterIndex> index_;  // generated codes and Idempotency-Key records
  bool needs_rebuild_ = false;
  // Held while the write model changes (a group, a tail fold, a catch-up): quiesce() waits on it.
  std::mutex group_mu_;
  std::unique_ptr<LedgerReader> tail_;  // goes on from where the fold ended
  std::vector<int64_t> folded_;         // per partition: last offset folded or appended
  std::vector<int64_t> ends_seen_;      // per partition: highest end the reader reported
  std::vector<CommandSubmission> deferred_;  // to the front of the queue after this group

  std::vector<AuditRecord> audit_records_;  // of the current group
  std::vector<Completion> completions_;     // of the current group

  mutable std::shared_mutex keys_mu_;
  core::CredentialIndex creds_;

  mutable std::mutex stats_mu_;
  CommandWriterStats stats_;
};

}  // namespace

Result<std::unique_ptr<CommandWriter>> start_command_writer(Ledger& ledger,
                                                            CommandWriterOptions options) {
  if (options.max_queued_commands == 0) {
    return make_error(ErrorCode::kInvalidArgument, "bad_writer_options",
                      "the writer's queue must hold at least one command");
  }
  auto index = WriterIndex::open(options.index_path, ledger.describe());
  if (!index.ok()) return index.error();
  auto writer = std::make_unique<CommandWriterImpl>(ledger, std::move(options), std::move(index).value());
  Status s = writer->rebuild();
  if (!s.ok()) return s.error();
  writer->start_thread();
  return std::unique_ptr<CommandWriter>(std::move(writer));
}

}  // namespace agritrace::events
