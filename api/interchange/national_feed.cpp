#include "api/interchange/national_feed.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "api/http/http_client.h"
#include "core/base/civil_time.h"
#include "core/base/identifiers.h"
#include "projections/base/keys.h"
#include "projections/production/keys.h"

namespace agritrace::api {

namespace epcis = core::epcis;

std::string_view feed_stage(const epcis::Event& e) {
  if (e.type == "TransformationEvent" || e.biz_step == "commissioning") return "production";
  if (e.biz_step == "receiving" || e.biz_step == "accepting" || e.biz_step == "arriving")
    return "inbound";
  if (e.biz_step == "shipping" || e.biz_step == "retail_selling") return "outbound";
  return "other";
}

void write_feed_entity(JsonWriter& w, std::string_view party_uri,
                       const projections::ViewStore* views) {
  constexpr std::string_view kParty = "urn:agritrace:party:";
  w.begin_object();
  if (party_uri.substr(0, kParty.size()) != kParty) {
    w.field("id_type", "PLATFORM").field("id", party_uri).end_object();
    return;
  }
  std::string_view id = party_uri.substr(kParty.size());
  const size_t colon = id.find(':');
  if (colon != std::string_view::npos && views != nullptr) {  // tenant:counterparty
    const std::string_view tenant = id.substr(0, colon);
    const std::string_view cp = id.substr(colon + 1);
    auto rec = views->get(
        projections::production::keys::counterparty_masked(tenant, projections::sort_id(cp)));
    const std::string uscc = rec ? projections::json_string_field(*rec, "uscc").value_or("") : "";
    const std::string person =
        rec ? projections::json_string_field(*rec, "id_number").value_or("") : "";
    if (!uscc.empty()) {
      w.field("id_type", "USCC").field("id", uscc);
    } else if (!person.empty()) {
      w.field("id_type", "ID_NUMBER").field("id", person);  // masked by the view
    } else {
      w.field("id_type", "PLATFORM").field("id", cp);
    }
    w.end_object();
    return;
  }
  if (colon != std::string_view::npos) id = id.substr(colon + 1);
  if (core::validate_uscc(id, "id").ok()) {
    w.field("id_type", "USCC").field("id", id);
  } else if (core::validate_resident_id(id, "id").ok()) {
    w.field("id_type", "ID_NUMBER").field("id", core::mask_id_number(id));
  } else {
    w.field("id_type", "PLATFORM").field("id", id);
  }
  w.end_object();
}

namespace {

void write_goods(JsonWriter& w, const std::vector<epcis::QuantityElement>& quantities,
                 const std::vector<epcis::Item>& items) {
  w.begin_array();
  for (const epcis::QuantityElement& q : quantities) {
    w.begin_object().field("class", epcis::class_uri(q.goods, epcis::IdFormat::kDigitalLink));
    if (!q.goods.gtin14.empty()) w.field("gtin", q.goods.gtin14);
    if (!q.goods.lot.empty()) w.field("lot", q.goods.lot);
    if (!q.quantity.empty())
      w.field("quantity", q.quantity).field("uom", q.uom.empty() ? "EA" : q.uom);
    w.end_object();
  }
  for (const epcis::Item& item : items) {
    w.begin_object()
        .field("code", epcis::digital_link(item))
        .field("gtin", item.gtin14)
        .field("serial", item.serial)
        .end_object();
  }
  w.end_array();
}

void write_parties(JsonWriter& w, std::string_view key, const std::vector<epcis::Typed>& parties,
                   const projections::ViewStore& views) {
  for (const epcis::Typed& t : parties) {
    if (t.type != "owning_party") continue;
    w.key(key);
    write_feed_entity(w, t.id, &views);
    return;
  }
}

}  // namespace

void write_feed_record(JsonWriter& w, const epcis::Event& e, std::string_view tenant,
                       std::string_view cursor, const projections::ViewStore& views) {
  const std::string_view stage = feed_stage(e);
  w.begin_object()
      .field("version", kNationalFeedVersion)
      .field("cursor", cursor)
      .field("record_id", epcis::event_hash(e))
      .field("stage", stage)
      .field("biz_step", e.biz_step)
      .field("event_time", core::format_rfc3339_utc(e.event_time_ms))
      .key("enterprise");
  write_feed_entity(w, epcis::party_uri(tenant));
  if (e.type == "TransformationEvent") {
    w.key("inputs");
    write_goods(w, e.quantities, e.epcs);
    w.key("batch");
    write_goods(w, e.output_quantities, e.output_epcs);
  } else {
    w.key("batch");
    write_goods(w, e.quantities, e.epcs);
  }
  if (stage == "inbound") write_parties(w, "source", e.sources, views);
  if (stage == "outbound") write_parties(w, "destination", e.destinations, views);
  w.key("transactions").begin_array();
  for (const epcis::Typed& t : e.biz_transactions) {
    w.begin_object().field("type", t.type).field("id", t.id).end_object();
  }
  w.end_array().end_object();
}

namespace {

// A delivery as the job store keeps it: every field, the pushed document included.
std::string delivery_record(const FeedDelivery& d) {
  JsonWriter w;
  w.begin_object()
      .field("id", d.id)
      .field("tenant", d.tenant)
      .field("after", d.after)
      .field("last", d.last)
      .field("records", static_cast<uint64_t>(d.records))
      .field("state", d.state)
      .field("attempts", d.attempts)
      .field("error", d.error)
      .field("created_ms", d.created_ms)
      .field("updated_ms", d.updated_ms)
      .field("next_attempt_ms", d.next_attempt_ms)
      .field("body", d.body)
      .end_object();
  return w.take();
}

std::optional<FeedDelivery> parse_delivery(const std::string& record) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(record).get(e) != simdjson::SUCCESS) return std::nullopt;
  FeedDelivery d;
  auto str = [&](const char* key, std::string& out) {
    std::string_view v;
    if (e[key].get(v) != simdjson::SUCCESS) return false;
    out.assign(v);
    return true;
  };
  int64_t records = 0, attempts = 0;
  if (!str("id", d.id) || !str("tenant", d.tenant) || !str("after", d.after) ||
      !str("last", d.last) || !str("state", d.state) || !str("error", d.error) ||
      !str("body", d.body) || e["records"].get(records) != simdjson::SUCCESS ||
      e["attempts"].get(attempts) != simdjson::SUCCESS ||
      e["created_ms"].get(d.created_ms) != simdjson::SUCCESS ||
      e["updated_ms"].get(d.updated_ms) != simdjson::SUCCESS ||
      e["next_attempt_ms"].get(d.next_attempt_ms) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  d.records = static_cast<size_t>(records);
  d.attempts = static_cast<int32_t>(attempts);
  return d;
}

// "nfd-12" -> 12 (0 for anything else).
uint64_t delivery_number(std::string_view id) {
  uint64_t n = 0;
  if (id.substr(0, 4) == "nfd-") std::from_chars(id.data() + 4, id.data() + id.size(), n);
  return n;
}

}  // namespace

NationalFeedPusher::NationalFeedPusher(Env& env, FeedPushOptions options, JobStore& store)
    : env_(env), options_(std::move(options)), store_(store) {
  // The deliveries of earlier runs, in the order they were made; one that was being pushed when
  // the server stopped is pushed again (the platform recognises it by its Idempotency-Key).
  store_.scan("feed", [&](std::string_view, const StoredJob& job) {
    auto d = parse_delivery(job.record);
    if (!d) return true;
    if (d->state == "sent") {
      d->state = "pending";
      d->next_attempt_ms = env_.now_ms();
      record(*d);
    }
    next_id_ = std::max(next_id_, delivery_number(d->id));
    deliveries_.push_back(std::move(*d));
    return true;
  });
  std::sort(deliveries_.begin(), deliveries_.end(),
            [](const FeedDelivery& a, const FeedDelivery& b) {
              return delivery_number(a.id) < delivery_number(b.id);
            });
  if (enabled()) worker_ = std::thread([this] { run(); });
}

void NationalFeedPusher::record(const FeedDelivery& d) {
  (void)store_.put("feed", d.id, {d.tenant, delivery_record(d)});
}

NationalFeedPusher::~NationalFeedPusher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::string NationalFeedPusher::next_after(const std::string& tenant) {
  std::lock_guard lock(mu_);
  for (auto it = deliveries_.rbegin(); it != deliveries_.rend(); ++it) {
    if (it->tenant == tenant) return it->last;
  }
  return "";
}

void NationalFeedPusher::write(JsonWriter& w, const FeedDelivery& d) {
  w.begin_object()
      .field("id", d.id)
      .field("enterprise", d.tenant)
      .field("after", d.after)
      .field("last", d.last)
      .field("records", static_cast<uint64_t>(d.records))
      .field("state", d.state)
      .field("attempts", d.attempts)
      .field("created_at", core::format_rfc3339_utc(d.created_ms))
      .field("updated_at", core::format_rfc3339_utc(d.updated_ms));
  if (!d.error.empty()) w.field("error", d.error);
  if (d.state == "pending" && d.attempts > 0)
    w.field("next_attempt_at", core::format_rfc3339_utc(d.next_attempt_ms));
  w.end_object();
}

std::string NationalFeedPusher::enqueue(FeedDelivery d) {
  JsonWriter w;
  {
    std::lock_guard lock(mu_);
    d.id = "nfd-" + std::to_string(++next_id_);
    d.state = "pending";
    d.created_ms = d.updated_ms = d.next_attempt_ms = env_.now_ms();
    deliveries_.push_back(std::move(d));
    record(deliveries_.back());
    write(w, deliveries_.back());
  }
  cv_.notify_all();
  return w.take();
}

std::string NationalFeedPusher::json(const std::optional<std::string>& tenant) {
  JsonWriter w;
  w.begin_object().key("deliveries").begin_array();
  std::lock_guard lock(mu_);
  for (const FeedDelivery& d : deliveries_) {
    if (!tenant || d.tenant == *tenant) write(w, d);
  }
  w.end_array().end_object();
  return w.take();
}

Result<std::string> NationalFeedPusher::resend(const std::optional<std::string>& tenant,
                                               const std::string& id) {
  JsonWriter w;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(deliveries_.begin(), deliveries_.end(), [&](const FeedDelivery& d) {
      return d.id == id && (!tenant || d.tenant == *tenant);
    });
    if (it == deliveries_.end()) {
      return make_error(ErrorCode::kNotFound, "delivery_not_found", "no such delivery", "id");
    }
    if (it->state != "sent") {  // one in flight finishes first; its outcome then stands
      it->state = "pending";
      it->attempts = 0;
      it->error.clear();
      it->updated_ms = it->next_attempt_ms = env_.now_ms();
      record(*it);
    }
    write(w, *it);
  }
  cv_.notify_all();
  return w.take();
}

void NationalFeedPusher::run() {
  auto url = parse_url(options_.url);
  std::unique_lock lock(mu_);
  while (!stop_) {
    const int64_t now = env_.now_ms();
    auto due = std::find_if(deliveries_.begin(), deliveries_.end(), [&](const FeedDelivery& d) {
      return d.state == "pending" && d.next_attempt_ms <= now;
    });
    if (due == deliveries_.end()) {
      // The back-off runs on the Env clock, which a condition variable cannot wait for: look
      // again shortly (or at once when a delivery is queued).
      cv_.wait_for(lock, std::chrono::milliseconds(50));
      continue;
    }
    due->state = "sent";
    due->attempts += 1;
    due->updated_ms = now;
    record(*due);
    const std::string id = due->id;
    const std::string body = due->body;
    lock.unlock();
    std::string error;
    if (!url.ok()) {
      error = url.error().message;
    } else {
      HttpClientOptions o;
      o.timeout = std::chrono::milliseconds(5000);
      HttpClient client(url->host, url->port, o);
      auto r = client.request("POST", url->target, body,
                              {{"Content-Type", "application/json"},
                               {"Idempotency-Key", id},
                               {"X-National-Feed-Version", std::string(kNationalFeedVersion)}});
      if (!r.ok()) {
        error = r.error().message;
      } else if (r->status < 200 || r->status > 299) {
        error = "the platform answered " + std::to_string(r->status);
      }
    }
    lock.lock();
    auto it = std::find_if(deliveries_.begin(), deliveries_.end(),
                           [&](const FeedDelivery& d) { return d.id == id; });
    if (it == deliveries_.end()) continue;
    it->updated_ms = env_.now_ms();
    if (error.empty()) {
      it->state = "acknowledged";  // `error` keeps the last failed attempt's, if any
    } else {
      it->error = error;
      if (it->attempts >= options_.max_attempts) {
        it->state = "failed";
      } else {
        it->state = "pending";
        it->next_attempt_ms = it->updated_ms + (options_.backoff_ms << (it->attempts - 1));
      }
    }
    record(*it);
  }
}

}  // namespace agritrace::api
