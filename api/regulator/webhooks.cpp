#include "api/regulator/webhooks.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "api/http/http_client.h"
#include "api/regulator/feed.h"
#include "core/base/digest.h"
#include "core/base/json_writer.h"
#include "core/regulator/jurisdiction.h"
#include "events/regulator/divisions.h"

namespace agritrace::api {

struct RegulatorWebhooks::Hook {
  // Registration (DATA/regulator-webhooks/registrations.json).
  std::string id, jurisdiction, url, secret;
  int64_t created_at_ms = 0;
  // Delivery state, guarded by RegulatorWebhooks::mu_; `next` and `delivered` are durable.
  WebhookView view;
  std::thread thread;
};

namespace {

constexpr size_t kMinSecret = 16;

Error invalid(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message),
                    std::move(field));
}

std::string state_json(const WebhookView& v) {
  JsonWriter w;
  w.begin_object().field("delivered", v.delivered).key("next").begin_array();
  for (int64_t o : v.next) w.value(o);
  w.end_array().end_object();
  return w.take();
}

}  // namespace

std::string WebhookView::to_json() const {
  JsonWriter w;
  w.begin_object()
      .field("id", id)
      .field("jurisdiction", jurisdiction)
      .field("url", url)
      .field("created_at_ms", created_at_ms)
      .field("delivered", delivered)
      .key("next_position")
      .begin_array();
  for (int64_t o : next) w.value(o);
  w.end_array()
      .field("pending_event_id", pending_event_id)
      .field("attempts", static_cast<int64_t>(attempts))
      .field("last_status", last_status)
      .field("last_error", last_error)
      .field("next_attempt_at_ms", next_attempt_at_ms)
      .end_object();
  return w.take();
}

std::string webhook_signature(const std::string& secret, int64_t timestamp,
                              const std::string& body) {
  return "sha256=" + core::hmac_sha256_hex(secret, std::to_string(timestamp) + "." + body);
}

RegulatorWebhooks::RegulatorWebhooks(events::Ledger& ledger, const events::PiiVault* pii, Env& env,
                                     WebhookOptions options)
    : ledger_(ledger), pii_(pii), env_(env), options_(std::move(options)) {}

RegulatorWebhooks::~RegulatorWebhooks() { stop(); }

Status RegulatorWebhooks::start() {
  if (Status s = env_.create_dirs(options_.dir); !s.ok()) return s;
  const std::string path = options_.dir + "/registrations.json";
  if (!env_.file_exists(path)) return Status::Ok();
  auto text = env_.read_file(path);
  if (!text.ok()) return text.status();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array hooks;
  auto corrupt = [&] {
    return make_error(ErrorCode::kCorruption, "webhooks_unreadable", "unreadable " + path);
  };
  if (parser.parse(*text).get(doc) || doc["webhooks"].get(hooks)) return corrupt();
  std::lock_guard lock(mu_);
  for (simdjson::dom::element h : hooks) {
    auto hook = std::make_unique<Hook>();
    std::string_view id, j, url, secret;
    if (h["id"].get(id) || h["jurisdiction"].get(j) || h["url"].get(url) ||
        h["secret"].get(secret) || h["created_at_ms"].get(hook->created_at_ms)) {
      return corrupt();
    }
    hook->id = id, hook->jurisdiction = j, hook->url = url, hook->secret = secret;
    hook->view.id = hook->id, hook->view.jurisdiction = hook->jurisdiction;
    hook->view.url = hook->url, hook->view.created_at_ms = hook->created_at_ms;
    const std::string state_path = options_.dir + "/" + hook->id + ".state";
    if (env_.file_exists(state_path)) {
      auto st = env_.read_file(state_path);
      if (!st.ok()) return st.status();
      simdjson::dom::parser sp;
      simdjson::dom::element sd;
      simdjson::dom::array next;
      if (sp.parse(*st).get(sd) || sd["delivered"].get(hook->view.delivered) ||
          sd["next"].get(next)) {
        return make_error(ErrorCode::kCorruption, "webhooks_unreadable",
                          "unreadable " + state_path);
      }
      for (simdjson::dom::element o : next) hook->view.next.push_back(o.get_int64().value_unsafe());
    }
    Hook* raw = hook.get();
    hooks_[hook->id] = std::move(hook);
    raw->thread = std::thread([this, raw] { deliver_loop(raw); });
  }
  return Status::Ok();
}

void RegulatorWebhooks::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& [id, hook] : hooks_) {
    if (hook->thread.joinable()) hook->thread.join();
  }
}

Status RegulatorWebhooks::save_registrations() {
  JsonWriter w;
  w.begin_object().key("webhooks").begin_array();
  for (const auto& [id, h] : hooks_) {
    w.begin_object()
        .field("id", h->id)
        .field("jurisdiction", h->jurisdiction)
        .field("url", h->url)
        .field("secret", h->secret)
        .field("created_at_ms", h->created_at_ms)
        .end_object();
  }
  w.end_array().end_object();
  return env_.write_file_durably(options_.dir + "/registrations.json", w.take());
}

Result<WebhookView> RegulatorWebhooks::add(const std::string& jurisdiction, const std::string& url,
                                           const std::string& secret) {
  if (jurisdiction != core::kGreaterBayArea &&
      events::shipped_divisions().find(jurisdiction) == nullptr) {
    return invalid("jurisdiction_unknown",
                   "jurisdiction must be GBA or a division code of the shipped table, e.g. 440300",
                   "jurisdiction");
  }
  auto parsed = parse_url(url);
  if (!parsed.ok()) {
    return invalid("url_invalid", "url must be http://host:port/path (TLS terminates in front)",
                   "url");
  }
  if (secret.size() < kMinSecret) {
    return invalid("secret_too_short",
                   "secret must have at least " + std::to_string(kMinSecret) + " characters",
                   "secret");
  }
  std::lock_guard lock(mu_);
  if (stopping_) {
    return make_error(ErrorCode::kUnavailable, "shutting_down", "the server is stopping");
  }
  auto hook = std::make_unique<Hook>();
  hook->id = "wh-" + std::to_string(hooks_.size() + 1);
  hook->jurisdiction = jurisdiction, hook->url = url, hook->secret = secret;
  hook->created_at_ms = env_.now_ms();
  hook->view.id = hook->id, hook->view.jurisdiction = jurisdiction, hook->view.url = url;
  hook->view.created_at_ms = hook->created_at_ms;
  Hook* raw = hook.get();
  hooks_[hook->id] = std::move(hook);
  if (Status s = save_registrations(); !s.ok()) {
    hooks_.erase(raw->id);
    return s;
  }
  raw->thread = std::thread([this, raw] { deliver_loop(raw); });
  return raw->view;
}

std::vector<WebhookView> RegulatorWebhooks::list() const {
  std::lock_guard lock(mu_);
  std::vector<WebhookView> out;
  for (const auto& [id, h] : hooks_) out.push_back(h->view);
  return out;
}

std::optional<WebhookView> RegulatorWebhooks::get(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = hooks_.find(id);
  if (it == hooks_.end()) return std::nullopt;
  return it->second->view;
}

bool RegulatorWebhooks::wait_until(int64_t at_ms) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const int64_t now = env_.now_ms();
    if (now >= at_ms) return true;
    cv_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(at_ms - now, 1000)));
  }
  return false;
}

void RegulatorWebhooks::deliver_loop(Hook* hook) {
  auto url = parse_url(hook->url);
  if (!url.ok()) return;  // checked at registration
  HttpClientOptions co;
  co.timeout = std::chrono::milliseconds(options_.attempt_timeout_ms);
  HttpClient http(url->host, url->port, co);
  std::vector<int64_t> durable;
  {
    std::lock_guard lock(mu_);
    durable = hook->view.next;
  }
  durable.resize(static_cast<size_t>(ledger_.partition_count()), 0);
  JurisdictionFollower follower(ledger_, pii_);
  bool open = false;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (!open) {
      if (Status s = follower.open(durable); !s.ok()) {
        {
          std::lock_guard lock(mu_);
          hook->view.last_error = s.to_string();
        }
        if (!wait_until(env_.now_ms() + options_.retry_base_ms)) return;
        continue;
      }
      open = true;
    }
    auto batch = follower.poll(200, 256);
    if (!batch.ok()) {
      {
        std::lock_guard lock(mu_);
        hook->view.last_error = batch.status().to_string();
      }
      open = false;
      if (!wait_until(env_.now_ms() + options_.retry_base_ms)) return;
      continue;
    }
    for (const JurisdictionFollower::Item& item : batch->items) {
      if (std::find(item.jurisdictions.begin(), item.jurisdictions.end(), hook->jurisdiction) ==
          item.jurisdictions.end()) {
        continue;
      }
      {
        std::lock_guard lock(mu_);
        hook->view.pending_event_id = item.event_id;
        hook->view.attempts = 0;
      }
      while (true) {  // until acknowledged (at-least-once) or stopping
        const int64_t ts = env_.now_ms() / 1000;
        auto resp = http.request(
            "POST", url->target, item.cloudevent,
            {{"Content-Type", "application/cloudevents+json"},
             {"X-AgriTrace-Event-Id", item.event_id},
             {"X-AgriTrace-Timestamp", std::to_string(ts)},
             {"X-AgriTrace-Signature", webhook_signature(hook->secret, ts, item.cloudevent)}});
        const bool acked = resp.ok() && resp->status >= 200 && resp->status < 300;
        std::unique_lock lock(mu_);
        hook->view.last_status = resp.ok() ? resp->status : 0;
        if (acked) {
          hook->view.last_error.clear();
          hook->view.next_attempt_at_ms = 0;
          break;
        }
        hook->view.attempts++;
        hook->view.last_error =
            resp.ok() ? "HTTP " + std::to_string(resp->status) : resp.status().to_string();
        const uint32_t shift = std::min<uint32_t>(hook->view.attempts - 1, 30);
        const int64_t delay = std::min(options_.retry_max_ms, options_.retry_base_ms << shift);
        hook->view.next_attempt_at_ms = env_.now_ms() + delay;
        const int64_t at = hook->view.next_attempt_at_ms;
        lock.unlock();
        http.close();
        if (!wait_until(at)) return;
      }
      durable[static_cast<size_t>(item.position.partition)] = item.position.offset + 1;
      WebhookView snapshot;
      {
        std::lock_guard lock(mu_);
        hook->view.delivered++;
        hook->view.next = durable;
        hook->view.pending_event_id.clear();
        hook->view.attempts = 0;
        snapshot = hook->view;
      }
      if (Status s = env_.write_file_durably(options_.dir + "/" + hook->id + ".state",
                                             state_json(snapshot));
          !s.ok()) {
        std::fprintf(stderr, "agritrace: webhook %s: %s\n", hook->id.c_str(),
                     s.to_string().c_str());
      }
    }
  }
}

}  // namespace agritrace::api
