// The event envelope: what every ledger entry carries besides its payload, and its wire form
// (CloudEvents 1.0 JSON, structured mode) plus the per-tenant SHA-256 hash chain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/base/env.h"

namespace agritrace::events {

// Where an event sits in the ledger: a partition and an offset inside it.
struct Position {
  int32_t partition = 0;
  int64_t offset = -1;
  std::string to_string() const;  // "p:o"
};
Result<Position> parse_position(std::string_view text);

struct Envelope {
  std::string id;                // 32 lowercase hex chars (128 random bits)
  std::string type;              // catalogue name, e.g. "purchase_order.created"
  int32_t schema_version = 1;
  std::string tenant;            // enterprise id (its USCC); the partition key
  int64_t tenant_seq = 0;        // 1, 2, 3... per tenant, no gaps
  std::string actor;             // who issued the command (account / key id)
  int64_t occurred_at_ms = 0;    // UTC, when it happened in the world
  int64_t recorded_at_ms = 0;    // UTC, when the ledger accepted it
  std::string command_id;        // groups the events of one command
  std::string idempotency_key;   // the command's Idempotency-Key, may be empty
  std::string request_hash;      // fingerprint of the command request (detects key reuse)
  std::string subject;           // the entity the event is about, e.g. "po-12"
  std::string payload_json;      // the event data: one JSON object
  std::string prev_hash;         // hex SHA-256 of the tenant's previous event (64 '0' for the first)
  std::string hash;              // hex SHA-256 over prev_hash and this event's canonical bytes
};

struct StoredEvent {
  Position position;
  Envelope envelope;
};

inline const std::string& genesis_hash() {
  static const std::string kZero(64, '0');
  return kZero;
}

// The hash of `e` given e.prev_hash: SHA-256(prev_hash || canonical bytes of every other field).
std::string compute_chain_hash(const Envelope& e);

// CloudEvents 1.0 structured JSON; extension attributes carry the envelope fields.
std::string encode_cloudevent(const Envelope& e);
Result<Envelope> decode_cloudevent(std::string_view json);

// 128 random bits from the Env's CSPRNG as 32 hex chars.
Result<std::string> new_event_id(Env& env);
// n such ids from one draw (the writer needs one per event plus the command's).
Result<std::vector<std::string>> new_event_ids(Env& env, size_t n);

}  // namespace agritrace::events
