#include "events/writer/command_writer.h"

#include "events/pii/pii_vault.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/domain/decide.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/domain/write_model.h"
#include "events/codec/domain_codec.h"
#include "events/env/posix_env.h"
#include "events/writer/idempotency_index.h"

namespace agritrace::events {
namespace {


std::string idem_slot(std::string_view tenant, std::string_view key) {
  std::string s(tenant);
  s.push_back('\x1f');
  s += key;
  return s;
}

struct TenantHead {
  int64_t seq = 0;
  std::string hash = genesis_hash();
};


class CommandWriterImpl final : public CommandWriter {
 public:
  CommandWriterImpl(Ledger& ledger, CommandWriterOptions options)
      : ledger_(ledger), options_(std::move(options)) {
    if (options_.env == nullptr) options_.env = &posix_env();
  }
  ~CommandWriterImpl() override { stop(); }

  Status rebuild() {
    states_.clear();
    heads_.clear();
    idempotency_.clear();
    std::unordered_map<std::string, ApiKeyRecord> keys;
    std::unordered_set<std::string> tenants;
    auto reader = ledger_.open_reader({});
    if (!reader.ok()) return reader.status();
    for (;;) {
      auto polled = (*reader)->poll(200, 4096);
      if (!polled.ok()) return polled.status();
      for (const StoredEvent& se : polled->events) {
        Status s = fold(se, &keys, &tenants);
        if (!s.ok()) return s;
      }
      if (polled->at_end) break;
      if (polled->events.empty()) {
        // Never wait forever for a ledger that cannot be reached: the caller answers 503.
        const LedgerHealth health = ledger_.health();
        if (!health.available) {
          return make_error(ErrorCode::kUnavailable, "ledger_unavailable", health.detail);
        }
      }
    }
    {
      std::unique_lock lock(keys_mu_);
      keys_ = std::move(keys);
      tenants_ = std::move(tenants);
    }
    needs_rebuild_ = false;
    return Status::Ok();
  }

  void start_thread() { thread_ = std::thread([this] { run(); }); }

  void submit(CommandSubmission submission) override {
    {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        queue_.push_back(std::move(submission));
        cv_.notify_one();
        return;
      }
    }
    submission.done(make_error(ErrorCode::kUnavailable, "server_stopping", "the server is stopping"));
  }

  std::optional<ApiKeyRecord> find_api_key(std::string_view key_sha256) const override {
    std::shared_lock lock(keys_mu_);
    auto it = keys_.find(std::string(key_sha256));
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

  bool tenant_registered(std::string_view tenant) const override {
    std::shared_lock lock(keys_mu_);
    return tenants_.count(std::string(tenant)) > 0;
  }

  CommandWriterStats stats() const override {
    std::lock_guard lock(stats_mu_);
    return stats_;
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
  Status fold(const StoredEvent& se, std::unordered_map<std::string, ApiKeyRecord>* keys,
              std::unordered_set<std::string>* tenants) {
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
    note_keys(*event, e.tenant, keys, tenants);
    if (!e.idempotency_key.empty()) {
      idempotency_.add_event(e.tenant, e.idempotency_key, e.request_hash, e.command_id,
                             EventRef{e.id, e.type, e.subject, se.position});
    }
    return Status::Ok();
  }

  static void note_keys(const core::Event& event, const std::string& tenant,
                        std::unordered_map<std::string, ApiKeyRecord>* keys,
                        std::unordered_set<std::string>* tenants) {
    if (const auto* reg = std::get_if<core::EnterpriseRegistered>(&event)) {
      (*keys)[reg->api_key_sha256] = ApiKeyRecord{tenant, reg->api_key_id};
      tenants->insert(tenant);
    }
  }

  void audit(const CommandSubmission& sub, std::string outcome, const std::string& command_id) {
    if (!options_.audit) return;
    options_.audit(AuditRecord{options_.env->now_ms(), sub.tenant, sub.actor, sub.command_name,
                               sub.idempotency_key, std::move(outcome), command_id});
  }

  void refuse(CommandSubmission& sub, Error error) {
    audit(sub, error.reason, "");
    {
      std::lock_guard lock(stats_mu_);
      ++stats_.commands_rejected;
    }
    sub.done(std::move(error));
  }

  void run() {
    for (;;) {
      std::vector<CommandSubmission> group;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && group.size() < options_.max_group_commands) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      process(group);
    }
  }

  // A command of the current group that produced events, waiting for the append.
  struct Pending {
    CommandSubmission* sub;
    std::string command_id;
    size_t first = 0;  // index of its first event in the group's batch
    size_t count = 0;
    std::vector<std::pair<std::string, ApiKeyRecord>> new_keys;
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
    std::vector<Envelope> batch;
    std::vector<Pending> pending;
    std::unordered_map<std::string, size_t> pending_by_key;
    for (auto& sub : group) {
      if (!sub.idempotency_key.empty()) {
        const std::string slot = idem_slot(sub.tenant, sub.idempotency_key);
        if (auto found = idempotency_.find(sub.tenant, sub.idempotency_key, sub.request_hash)) {
          if (!found->same_request) {
            refuse(sub, reused_key_error());
          } else {
            audit(sub, "replayed", found->outcome.command_id);
            sub.done(std::move(found->outcome));
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
      auto decided = core::decide(state, sub.command, ctx);
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
        if (const auto* reg = std::get_if<core::EnterpriseRegistered>(&ev)) {
          p.new_keys.emplace_back(reg->api_key_sha256, ApiKeyRecord{sub.tenant, reg->api_key_id});
        }
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
    if (batch.empty()) return;

    std::vector<Position> positions;
    Status appended = ledger_.append(batch, &positions);
    if (!appended.ok()) {
      // The write model already holds the group's effects; fold the ledger again before the next
      // command so that it reflects exactly what is durable.
      needs_rebuild_ = true;
      Error err = appended.error();
      if (err.code != ErrorCode::kUnavailable && err.code != ErrorCode::kTimeout) {
        err = make_error(ErrorCode::kUnavailable, "ledger_append_failed", err.message);
      }
      for (Pending& p : pending) {
        refuse(*p.sub, err);
        for (auto* f : p.followers) refuse(*f, err);
      }
      return;
    }
    {
      std::lock_guard lock(stats_mu_);
      stats_.appends += 1;
      stats_.events_appended += batch.size();
      stats_.commands_accepted += pending.size();
    }
    {
      std::unique_lock lock(keys_mu_);
      for (Pending& p : pending) {
        for (auto& [sha, rec] : p.new_keys) {
          tenants_.insert(rec.tenant);
          keys_[sha] = rec;
        }
      }
    }
    for (Pending& p : pending) {
      CommandOutcome out{p.command_id, {}, false};
      for (size_t i = p.first; i < p.first + p.count; ++i) {
        out.events.push_back(EventRef{batch[i].id, batch[i].type, batch[i].subject, positions[i]});
      }
      if (!p.sub->idempotency_key.empty()) {
        for (const EventRef& ref : out.events) {
          idempotency_.add_event(p.sub->tenant, p.sub->idempotency_key, p.sub->request_hash,
                                 p.command_id, ref);
        }
      }
      audit(*p.sub, "accepted", p.command_id);
      for (auto* f : p.followers) {
        CommandOutcome again = out;
        again.replayed = true;
        audit(*f, "replayed", p.command_id);
        f->done(std::move(again));
      }
      p.sub->done(std::move(out));
    }
  }

  static Error reused_key_error() {
    return make_error(ErrorCode::kInvalidArgument, "idempotency_key_reused",
                      "this Idempotency-Key was already used for a different request",
                      "Idempotency-Key");
  }

  Ledger& ledger_;
  CommandWriterOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CommandSubmission> queue_;
  bool stopping_ = false;
  std::thread thread_;

  // Owned by the writer thread (and by rebuild() before the thread starts).
  // Every tenant's state; an event folds into its tenant and into the enterprise it concerns.
  core::WriteModel states_;
  std::unordered_map<std::string, TenantHead> heads_;
  IdempotencyIndex idempotency_;
  bool needs_rebuild_ = false;

  mutable std::shared_mutex keys_mu_;
  std::unordered_map<std::string, ApiKeyRecord> keys_;
  std::unordered_set<std::string> tenants_;

  mutable std::mutex stats_mu_;
  CommandWriterStats stats_;
};

}  // namespace

Result<std::unique_ptr<CommandWriter>> start_command_writer(Ledger& ledger,
                                                            CommandWriterOptions options) {
  auto writer = std::make_unique<CommandWriterImpl>(ledger, std::move(options));
  Status s = writer->rebuild();
  if (!s.ok()) return s.error();
  writer->start_thread();
  return std::unique_ptr<CommandWriter>(std::move(writer));
}

}  // namespace agritrace::events
