#include "replay/investigate.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/base/json_writer.h"
#include "core/codes/codes.h"
#include "projections/base/keys.h"

namespace agritrace::replay {

namespace {

// The payload names `id` as a JSON string value (or key): "id" with its quotes, so lot-1 never
// matches lot-12.
bool names(std::string_view payload_json, const std::string& quoted) {
  return payload_json.find(quoted) != std::string_view::npos;
}

std::string quoted(std::string_view id) { return fmt::format("\"{}\"", id); }

bool lot_matches(const events::Envelope& e, const TimelineQuery& q, const std::string& quoted_lot) {
  if (!q.tenant.empty() && e.tenant != q.tenant) return false;
  return e.subject == q.lot || names(e.payload_json, quoted_lot);
}

}  // namespace

std::string link_problem(int64_t head_seq, const std::string& head_hash, const events::Envelope& e) {
  if (e.tenant_seq != head_seq + 1) return fmt::format("sequence jumps from {} to {}", head_seq, e.tenant_seq);
  if (e.prev_hash != head_hash) return "prev_hash does not match the previous event's hash";
  return {};
}

std::string hash_problem(const events::Envelope& e) {
  return events::compute_chain_hash(e) == e.hash ? std::string() : "hash does not match the event's bytes (altered event)";
}

// A code as given (a bare serial or a Digital Link URI / path) -> its serial.
Result<std::string> code_serial(const std::string& code) {
  if (code.find("/01/") == std::string::npos) return code;
  auto link = core::parse_digital_link(code);
  if (!link.ok()) return link.error();
  if (link->serial.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "digital_link_syntax", "the Digital Link names no serial (/21/)",
                      "code");
  }
  return link->serial;
}

Result<std::vector<LedgerEntry>> scan_ledger(Env& env, events::Ledger& ledger, const ScanFilter& filter,
                                             const ScanProgress& progress) {
  struct Head {
    int64_t seq = 0;
    std::string hash = events::genesis_hash();
  };
  std::unordered_map<std::string, Head> heads;
  std::unordered_map<std::string, std::string> names_by_tenant;
  std::vector<LedgerEntry> kept;
  auto ends = ledger.end_offsets();
  if (!ends.ok()) return ends.error();
  uint64_t total = 0, read = 0;
  for (int64_t e : *ends) total += static_cast<uint64_t>(e);
  const int64_t started = env.monotonic_ns();
  auto reader = ledger.open_reader({});
  if (!reader.ok()) return reader.error();
  for (;;) {
    auto polled = (*reader)->poll(200, 4096);
    if (!polled.ok()) return polled.error();
    for (events::StoredEvent& se : polled->events) {
      events::Envelope& e = se.envelope;
      ++read;
      if (e.type == "enterprise.registered") {
        if (auto id = projections::json_string_field(e.payload_json, "enterprise_id")) {
          names_by_tenant[*id] = projections::json_string_field(e.payload_json, "name").value_or("");
        }
      }
      Head& h = heads[e.tenant];
      const bool of_tenant = filter.tenant.empty() || e.tenant == filter.tenant;
      if (of_tenant && filter.tenant_events != nullptr) ++*filter.tenant_events;
      const bool wanted = of_tenant && e.recorded_at_ms >= filter.from_ms &&
                          e.recorded_at_ms <= filter.to_ms && (!filter.keep || filter.keep(e));
      if (wanted) {
        LedgerEntry entry;
        entry.position = se.position;
        entry.problem = link_problem(h.seq, h.hash, e);
        if (entry.problem.empty()) entry.problem = hash_problem(e);
        entry.verified = entry.problem.empty();
        h.seq = e.tenant_seq;
        h.hash = e.hash;
        entry.envelope = std::move(e);
        kept.push_back(std::move(entry));
      } else {
        h.seq = e.tenant_seq;
        h.hash = e.hash;
      }
    }
    if (progress) progress(read, total, static_cast<double>(env.monotonic_ns() - started) / 1e9);
    if (polled->at_end) break;
  }
  for (LedgerEntry& entry : kept) {
    if (auto it = names_by_tenant.find(entry.envelope.tenant); it != names_by_tenant.end()) entry.enterprise = it->second;
  }
  std::sort(kept.begin(), kept.end(), [](const LedgerEntry& a, const LedgerEntry& b) {
    return std::tie(a.envelope.recorded_at_ms, a.position.partition, a.position.offset) <
           std::tie(b.envelope.recorded_at_ms, b.position.partition, b.position.offset);
  });
  return kept;
}

Result<std::vector<LedgerEntry>> timeline(Env& env, events::Ledger& ledger, const TimelineQuery& q,
                                          const ScanProgress& progress) {
  ScanFilter filter;
  if (!q.code.empty()) {
    auto serial = code_serial(q.code);
    if (!serial.ok()) return serial.error();
    const std::string s = *serial, quoted_serial = quoted(s);
    filter.tenant = q.tenant;
    // The code's own events, and every code_run.* event (its run is known only once found).
    filter.keep = [s, quoted_serial](const events::Envelope& e) {
      return e.subject == s || names(e.payload_json, quoted_serial) || e.type.starts_with("code_run.");
    };
    auto all = scan_ledger(env, ledger, filter, progress);
    if (!all.ok()) return all.error();
    std::set<std::pair<std::string, std::string>> runs;  // (tenant, run id) of the code
    for (const LedgerEntry& x : *all) {
      if (x.envelope.type.starts_with("code_run.")) continue;
      if (auto run = projections::json_string_field(x.envelope.payload_json, "run_id")) {
        runs.emplace(x.envelope.tenant, *run);
      }
    }
    std::vector<LedgerEntry> out;
    for (LedgerEntry& x : *all) {
      const bool run_event = x.envelope.type.starts_with("code_run.");
      if (run_event && !runs.count({x.envelope.tenant, x.envelope.subject}) &&
          !runs.count({x.envelope.tenant, projections::json_string_field(x.envelope.payload_json, "run_id").value_or("")})) {
        continue;
      }
      out.push_back(std::move(x));
    }
    if (runs.empty() && out.empty()) {
      return make_error(ErrorCode::kNotFound, kUnknownCode, fmt::format("no event of the ledger names the code {}", s),
                        "code");
    }
    return out;
  }
  if (q.lot.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "timeline_query_invalid", "give --code or --lot", "code");
  }
  const std::string quoted_lot = quoted(q.lot);
  filter.keep = [q, quoted_lot](const events::Envelope& e) { return lot_matches(e, q, quoted_lot); };
  auto out = scan_ledger(env, ledger, filter, progress);
  if (!out.ok()) return out.error();
  if (out->empty()) {
    return make_error(ErrorCode::kNotFound, kUnknownLot,
                      q.tenant.empty() ? fmt::format("no event of the ledger names the lot {}", q.lot)
                                       : fmt::format("no event of enterprise {} names the lot {}", q.tenant, q.lot),
                      "lot");
  }
  return out;
}

Result<std::vector<LedgerEntry>> recorded_between(Env& env, events::Ledger& ledger, int64_t from_ms, int64_t to_ms,
                                                  const TimelineQuery& lot, const ScanProgress& progress) {
  ScanFilter filter;
  filter.from_ms = from_ms + 1;
  filter.to_ms = to_ms;
  filter.tenant = lot.tenant;
  if (!lot.lot.empty()) {
    const std::string quoted_lot = quoted(lot.lot);
    filter.keep = [lot, quoted_lot](const events::Envelope& e) { return lot_matches(e, lot, quoted_lot); };
  }
  return scan_ledger(env, ledger, filter, progress);
}

Result<std::vector<LedgerEntry>> audit_events(Env& env, events::Ledger& ledger, const std::string& tenant,
                                              int64_t from_ms, int64_t to_ms, const ScanProgress& progress) {
  ScanFilter filter;
  filter.tenant = tenant;
  filter.from_ms = from_ms;
  filter.to_ms = to_ms;
  uint64_t of_tenant = 0;
  filter.tenant_events = &of_tenant;
  auto out = scan_ledger(env, ledger, filter, progress);
  if (!out.ok()) return out.error();
  if (of_tenant == 0) {
    return make_error(ErrorCode::kNotFound, kUnknownTenant, fmt::format("the ledger has no event of enterprise {}", tenant),
                      "tenant");
  }
  return out;
}

void write_chain_link(JsonWriter& w, const LedgerEntry& x) {
  w.field("prev_hash", x.envelope.prev_hash)
      .field("hash", x.envelope.hash)
      .field("verified", x.verified);
  if (!x.verified) w.field("problem", x.problem);
}

std::string audit_line(const LedgerEntry& x) {
  const events::Envelope& e = x.envelope;
  JsonWriter w;
  w.begin_object()
      .field("position", x.position.to_string())
      .field("id", e.id)
      .field("type", e.type)
      .field("schema_version", e.schema_version)
      .field("tenant", e.tenant)
      .field("tenant_seq", e.tenant_seq)
      .field("actor", e.actor)
      .field("occurred_at_ms", e.occurred_at_ms)
      .field("recorded_at_ms", e.recorded_at_ms)
      .field("command_id", e.command_id)
      .field("idempotency_key", e.idempotency_key)
      .field("request_hash", e.request_hash)
      .field("subject", e.subject)
      .field("payload_json", e.payload_json);
  write_chain_link(w, x);
  w.end_object();
  return w.take();
}

}  // namespace agritrace::replay
