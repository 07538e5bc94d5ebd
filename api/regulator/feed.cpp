#include "api/regulator/feed.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/base/civil_time.h"
#include "core/base/identifiers.h"
#include "core/base/json_writer.h"
#include "core/base/overloaded.h"
#include "core/base/pii.h"
#include "core/regulator/jurisdiction.h"
#include "events/codec/domain_codec.h"
#include "events/env/posix_env.h"
#include "events/regulator/divisions.h"
#include "projections/trace/queries.h"

namespace agritrace::api {
namespace {

constexpr std::string_view kSealedShown = "[sealed]";

// A personal value as a non-owner sees it.
std::string masked(const std::string& value, std::string (*mask)(std::string_view)) {
  if (value.empty() || value == core::kPiiErased) return value;
  if (core::is_pii_sealed(value)) return std::string(kSealedShown);
  return mask(value);
}

void mask_record(core::CounterpartyRecord& r) {
  if (r.kind == core::CounterpartyKind::kIndividual) {
    r.name = projections::mask_person_name(r.name);
    r.id_number = masked(r.id_number, core::mask_id_number);
  }
  r.phone = masked(r.phone, core::mask_phone);
}

// The payload a regulator sees: none for credential events, masked where personal data is.
std::optional<std::string> regulator_payload(const events::Envelope& e,
                                             const events::PiiVault* pii) {
  const std::string_view t = e.type;
  if (t == core::UserCreated::kType || t == core::ApiKeyCreated::kType ||
      t == core::ApiKeyRotated::kType || t == core::ApiKeyRevoked::kType) {
    return std::nullopt;
  }
  // The regulators' own records (tenant "regulators", which has no division and so reaches no
  // topic anyway): credential hashes and the bureaus' filings are never published.
  if (t == core::BureauRegistered::kType || t == core::RegulatorUserCreated::kType ||
      t == core::EntityFiled::kType || t == core::EntityAmended::kType ||
      t == core::InspectionRecorded::kType || t == core::RiskGradeAssigned::kType ||
      t == core::InspectionDrawRecorded::kType) {
    return std::nullopt;
  }
  if (t != core::EnterpriseRegistered::kType && t != core::CounterpartyRegistered::kType &&
      t != core::CounterpartyAmended::kType && t != core::ShipmentRecorded::kType &&
      t != core::ComplaintFiled::kType) {
    return e.payload_json;  // nothing personal in it
  }
  Result<core::Event> decoded = events::decode_event_payload(e.type, e.payload_json);
  if (!decoded.ok()) return std::nullopt;  // not readable by this build: never leak it raw
  core::Event& ev = *decoded;
  if (pii != nullptr) pii->open(e.tenant, ev);
  std::visit(core::Overloaded{[](core::EnterpriseRegistered& x) {
                                x.api_key_id.clear();
                                x.api_key_sha256.clear();
                              },
                              [](core::CounterpartyRegistered& x) { mask_record(x.record); },
                              [](core::CounterpartyAmended& x) { mask_record(x.record); },
                              // the complainant's phone masked, the follow token's
                              // digest not passed on.
                              [](core::ComplaintFiled& x) {
                                x.phone = masked(x.phone, core::mask_phone);
                                x.follow_token_sha256.clear();
                              },
                              [](core::ShipmentRecorded& x) {
                                if (x.ship_to_individual) {
                                  x.ship_to_name = projections::mask_person_name(x.ship_to_name);
                                }
                              },
                              [](auto&) {}},
             ev);
  return events::encode_event_payload(ev);
}

}  // namespace

std::vector<std::string> feed_jurisdictions(std::string_view division) {
  std::vector<std::string> out;
  if (!core::is_division_code(division)) return out;
  std::optional<std::string> at = std::string(division);
  while (at) {
    out.push_back(*at);
    at = core::division_parent(*at);
  }
  for (const std::string& member : core::greater_bay_area_members()) {
    if (core::division_within(division, member)) {
      out.emplace_back(core::kGreaterBayArea);
      break;
    }
  }
  return out;
}

std::string division_of_region(std::string_view region) {
  return events::shipped_divisions().match_region(region).value_or(std::string());
}

std::optional<std::string> regulator_cloudevent(const events::Envelope& e,
                                                const events::PiiVault* pii,
                                                std::string_view division) {
  std::optional<std::string> data = regulator_payload(e, pii);
  if (!data) return std::nullopt;
  JsonWriter w;
  w.begin_object()
      .field("specversion", "1.0")
      .field("id", e.id)
      .field("source", "/agritrace/tenants/" + e.tenant)
      .field("type", "agritrace." + e.type)
      .field("subject", e.subject)
      .field("time", core::format_rfc3339_utc(e.occurred_at_ms))
      .field("datacontenttype", "application/json")
      .field("dataschemaversion", e.schema_version)
      .field("tenant", e.tenant)
      .field("tenantseq", e.tenant_seq)
      .field("division", division)
      .field("recordedtime", core::format_rfc3339_utc(e.recorded_at_ms))
      .field_raw("data", data->empty() ? std::string_view("{}") : std::string_view(*data))
      .end_object();
  return w.take();
}

RegulatorFeed::RegulatorFeed(events::Ledger& ledger, RegulatorFeedOptions options)
    : ledger_(ledger),
      options_(std::move(options)),
      env_(options_.env != nullptr ? *options_.env : events::posix_env()) {
  if (options_.sink.env == nullptr) options_.sink.env = &env_;
  if (options_.sink.ledger.empty()) options_.sink.ledger = ledger_.describe();
}

RegulatorFeed::~RegulatorFeed() { stop(); }

void RegulatorFeed::start() {
  thread_ = std::thread([this] { run(); });
}

void RegulatorFeed::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

RegulatorFeedStatus RegulatorFeed::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void RegulatorFeed::set_error(const Status& s) {
  std::lock_guard lock(mu_);
  status_.connected = false;
  if (s.to_string() != status_.last_error) {
    std::fprintf(stderr, "agritrace: regulator feed: %s (retrying)\n", s.to_string().c_str());
  }
  status_.last_error = s.to_string();
}

void RegulatorFeed::run() {
  while (true) {
    Status s = run_once();
    std::unique_lock lock(mu_);
    if (stopping_) return;
    lock.unlock();
    if (!s.ok()) set_error(s);
    lock.lock();
    // A failed or uncertain transaction: start over from the committed position after a pause
    // (the condition variable wakes early on stop).
    cv_.wait_for(lock, std::chrono::milliseconds(options_.retry_ms), [this] { return stopping_; });
    if (stopping_) return;
  }
}

Status RegulatorFeed::run_once() {
  auto sink = events::open_kafka_feed_sink(options_.sink);
  if (!sink.ok()) return sink.status();
  auto committed = (*sink)->committed_position();
  if (!committed.ok()) return committed.status();
  JurisdictionFollower follower(ledger_, options_.pii);
  if (Status s = follower.open(*committed); !s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    status_.connected = true;
    status_.last_error.clear();
    status_.next = *committed;
  }
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return Status::Ok();
    }
    auto batch = follower.poll(100, options_.batch_events);
    if (!batch.ok()) return batch.status();
    if (!batch->advanced) continue;
    std::vector<events::FeedRecord> records;
    for (const JurisdictionFollower::Item& item : batch->items) {
      for (const std::string& j : item.jurisdictions) {
        records.push_back(
            events::FeedRecord{options_.sink.prefix + j, item.tenant, item.cloudevent});
      }
    }
    // With nothing to publish the position is not written: re-reading those events after a
    // restart publishes nothing either.
    if (!records.empty()) {
      if (Status s = (*sink)->publish(records, batch->next); !s.ok()) return s;
    }
    std::lock_guard lock(mu_);
    status_.published += records.size();
    status_.next = batch->next;
  }
}

JurisdictionFollower::JurisdictionFollower(events::Ledger& ledger, const events::PiiVault* pii)
    : ledger_(ledger), pii_(pii) {}

Status JurisdictionFollower::open(std::vector<int64_t> from) {
  from.resize(static_cast<size_t>(ledger_.partition_count()), 0);
  from_ = from;
  next_ = std::move(from);
  division_of_.clear();
  auto reader = ledger_.open_reader({});
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  return Status::Ok();
}

Result<JurisdictionFollower::Batch> JurisdictionFollower::poll(int32_t timeout_ms,
                                                               size_t max_events) {
  auto polled = reader_->poll(timeout_ms, max_events);
  if (!polled.ok()) return polled.status();
  Batch batch;
  batch.at_end = polled->at_end;
  for (const events::StoredEvent& se : polled->events) {
    const events::Envelope& e = se.envelope;
    if (e.type == core::EnterpriseRegistered::kType) {
      if (auto ev = events::decode_event_payload(e.type, e.payload_json); ev.ok()) {
        division_of_[e.tenant] =
            division_of_region(std::get<core::EnterpriseRegistered>(*ev).region);
      }
    }
    const auto p = static_cast<size_t>(se.position.partition);
    if (p >= next_.size() || se.position.offset < from_[p]) continue;  // before `from`
    next_[p] = se.position.offset + 1;
    batch.advanced = true;
    auto div = division_of_.find(e.tenant);
    if (div == division_of_.end() || div->second.empty()) continue;  // no jurisdiction known
    std::optional<std::string> ce = regulator_cloudevent(e, pii_, div->second);
    if (!ce) continue;
    batch.items.push_back(
        Item{se.position, e.tenant, e.id, std::move(*ce), feed_jurisdictions(div->second)});
  }
  batch.next = next_;
  return batch;
}

}  // namespace agritrace::api
