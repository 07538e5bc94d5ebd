#include "events/envelope/envelope.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <ctime>

#include "core/base/digest.h"
#include "core/base/json_writer.h"

namespace agritrace::events {
namespace {

constexpr std::string_view kTypePrefix = "agritrace.";


// RFC 3339 UTC with milliseconds, for the CloudEvents `time` attribute (informative only: the
// integer milliseconds are what decoding reads back).
std::string rfc3339(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
  const int64_t ms = unix_ms - static_cast<int64_t>(secs) * 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

void append_field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out.push_back(':');
  out += value;
  out.push_back('\n');
}

Error corrupt(std::string message) {
  return make_error(ErrorCode::kCorruption, "event_undecodable", std::move(message));
}

}  // namespace

std::string Position::to_string() const { return fmt::format("{}:{}", partition, offset); }

Result<Position> parse_position(std::string_view text) {
  const size_t colon = text.find(':');
  Position p;
  auto bad = [&] {
    return make_error(ErrorCode::kInvalidArgument, "position_invalid",
                      "a ledger position looks like 'partition:offset', e.g. '2:117'");
  };
  if (colon == std::string_view::npos) return bad();
  auto r1 = std::from_chars(text.data(), text.data() + colon, p.partition);
  auto r2 = std::from_chars(text.data() + colon + 1, text.data() + text.size(), p.offset);
  if (r1.ec != std::errc() || r1.ptr != text.data() + colon || r2.ec != std::errc() ||
      r2.ptr != text.data() + text.size() || p.partition < 0 || p.offset < 0) {
    return bad();
  }
  return p;
}

std::string compute_chain_hash(const Envelope& e) {
  // Length-prefixed fields: unambiguous, and independent of JSON formatting.
  std::string canonical;
  canonical.reserve(256 + e.payload_json.size());
  append_field(canonical, e.prev_hash);
  append_field(canonical, e.id);
  append_field(canonical, e.type);
  append_field(canonical, std::to_string(e.schema_version));
  append_field(canonical, e.tenant);
  append_field(canonical, std::to_string(e.tenant_seq));
  append_field(canonical, e.actor);
  append_field(canonical, std::to_string(e.occurred_at_ms));
  append_field(canonical, std::to_string(e.recorded_at_ms));
  append_field(canonical, e.command_id);
  append_field(canonical, e.idempotency_key);
  append_field(canonical, e.request_hash);
  append_field(canonical, e.subject);
  append_field(canonical, e.payload_json);
  return core::sha256_hex(canonical);
}

std::string encode_cloudevent(const Envelope& e) {
  JsonWriter w;
  w.begin_object()
      .field("specversion", "1.0")
      .field("id", e.id)
      .field("source", "/agritrace/tenants/" + e.tenant)
      .field("type", std::string(kTypePrefix) + e.type)
      .field("subject", e.subject)
      .field("time", rfc3339(e.occurred_at_ms))
      .field("datacontenttype", "application/json")
      .field("schemaversion", e.schema_version)
      .field("tenant", e.tenant)
      .field("tenantseq", e.tenant_seq)
      .field("actor", e.actor)
      .field("occurredms", e.occurred_at_ms)
      .field("recordedms", e.recorded_at_ms)
      .field("recordedtime", rfc3339(e.recorded_at_ms))
      .field("commandid", e.command_id)
      .field("idempotencykey", e.idempotency_key)
      .field("requesthash", e.request_hash)
      .field("prevhash", e.prev_hash)
      .field("hash", e.hash)
      .field_raw("data", e.payload_json.empty() ? std::string_view("{}") : e.payload_json)
      .end_object();
  return w.take();
}

Result<Envelope> decode_cloudevent(std::string_view json) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return corrupt("not JSON");
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return corrupt("not a JSON object");
  Envelope e;
  bool saw_spec = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return corrupt("bad key");
    auto val = field.value();
    auto get_str = [&](std::string& out) -> bool {
      std::string_view sv;
      if (val.get_string().get(sv)) return false;
      out.assign(sv);
      return true;
    };
    auto get_i64 = [&](int64_t& out) -> bool { return !val.get_int64().get(out); };
    bool ok = true;
    if (key == "specversion") {
      std::string v;
      ok = get_str(v) && v == "1.0";
      saw_spec = true;
    } else if (key == "id") {
      ok = get_str(e.id);
    } else if (key == "type") {
      std::string t;
      ok = get_str(t) && t.starts_with(kTypePrefix);
      if (ok) e.type = t.substr(kTypePrefix.size());
    } else if (key == "subject") {
      ok = get_str(e.subject);
    } else if (key == "schemaversion") {
      int64_t v = 0;
      ok = get_i64(v);
      e.schema_version = static_cast<int32_t>(v);
    } else if (key == "tenant") {
      ok = get_str(e.tenant);
    } else if (key == "tenantseq") {
      ok = get_i64(e.tenant_seq);
    } else if (key == "actor") {
      ok = get_str(e.actor);
    } else if (key == "occurredms") {
      ok = get_i64(e.occurred_at_ms);
    } else if (key == "recordedms") {
      ok = get_i64(e.recorded_at_ms);
    } else if (key == "commandid") {
      ok = get_str(e.command_id);
    } else if (key == "idempotencykey") {
      ok = get_str(e.idempotency_key);
    } else if (key == "requesthash") {
      ok = get_str(e.request_hash);
    } else if (key == "prevhash") {
      ok = get_str(e.prev_hash);
    } else if (key == "hash") {
      ok = get_str(e.hash);
    } else if (key == "data") {
      simdjson::ondemand::object data;
      std::string_view raw;
      ok = !val.get_object().get(data) && !data.raw_json().get(raw);
      if (ok) e.payload_json.assign(raw);
    }
    // Other attributes (source, time, datacontenttype, future extensions) are informative.
    if (!ok) return corrupt(fmt::format("attribute '{}' is missing its expected type", key));
  }
  if (!saw_spec || e.id.empty() || e.type.empty() || e.tenant.empty() || e.tenant_seq <= 0) {
    return corrupt("required CloudEvents attributes missing");
  }
  return e;
}

Result<std::string> new_event_id(Env& env) {
  auto ids = new_event_ids(env, 1);
  if (!ids.ok()) return ids.error();
  return std::move(ids->front());
}

Result<std::vector<std::string>> new_event_ids(Env& env, size_t n) {
  constexpr size_t kIdBytes = 16;
  std::string bytes(n * kIdBytes, '\0');
  // Ids must never repeat: a failed draw is an error, never a weaker id.
  Status s = env.random_bytes(bytes.data(), bytes.size());
  if (!s.ok()) return s.error();
  std::vector<std::string> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    ids.push_back(core::hex_encode(reinterpret_cast<const unsigned char*>(bytes.data()) + i * kIdBytes, kIdBytes));
  }
  return ids;
}

}  // namespace agritrace::events
