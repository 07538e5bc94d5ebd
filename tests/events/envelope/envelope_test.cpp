#include <doctest/doctest.h>

#include "events/envelope/envelope.h"
#include "events/env/posix_env.h"

namespace agritrace::events {

static Envelope sample_envelope() {
  Envelope e;
  e.id = new_event_id(posix_env()).value();
  e.type = "purchase_order.created";
  e.tenant = "91350100M000100Y43";
  e.tenant_seq = 3;
  e.actor = "key:k1";
  e.occurred_at_ms = 1764107941123;
  e.recorded_at_ms = 1764107941200;
  e.command_id = "c1";
  e.idempotency_key = "idem-\"1\"";
  e.request_hash = "abc";
  e.subject = "po-1";
  e.payload_json = R"({"po_id":"po-1","material":"菜心","quantity":{"amount":500000,"unit":"g"}})";
  e.prev_hash = genesis_hash();
  e.hash = compute_chain_hash(e);
  return e;
}

TEST_CASE("CloudEvents encoding round-trips every envelope field") {
  const Envelope e = sample_envelope();
  const std::string wire = encode_cloudevent(e);
  CHECK(wire.find(R"("specversion":"1.0")") != std::string::npos);
  CHECK(wire.find(R"("type":"agritrace.purchase_order.created")") != std::string::npos);
  CHECK(wire.find(R"("time":"2025-11-25T21:59:01.123Z")") != std::string::npos);
  auto back = decode_cloudevent(wire);
  REQUIRE(back.ok());
  CHECK(back->id == e.id);
  CHECK(back->type == e.type);
  CHECK(back->tenant == e.tenant);
  CHECK(back->tenant_seq == e.tenant_seq);
  CHECK(back->actor == e.actor);
  CHECK(back->occurred_at_ms == e.occurred_at_ms);
  CHECK(back->recorded_at_ms == e.recorded_at_ms);
  CHECK(back->command_id == e.command_id);
  CHECK(back->idempotency_key == e.idempotency_key);
  CHECK(back->request_hash == e.request_hash);
  CHECK(back->subject == e.subject);
  CHECK(back->payload_json == e.payload_json);
  CHECK(back->prev_hash == e.prev_hash);
  CHECK(back->hash == e.hash);
  CHECK(compute_chain_hash(*back) == e.hash);
}

TEST_CASE("the chain hash changes when any byte of the event changes") {
  Envelope e = sample_envelope();
  const std::string h = compute_chain_hash(e);
  CHECK(h.size() == 64);
  e.payload_json[10] = 'X';
  CHECK(compute_chain_hash(e) != h);
  e = sample_envelope();
  e.prev_hash[0] = '1';
  CHECK(compute_chain_hash(e) != h);
}

TEST_CASE("decoding refuses damaged events") {
  CHECK(decode_cloudevent("not json").error().code == ErrorCode::kCorruption);
  CHECK(decode_cloudevent(R"({"specversion":"1.0"})").error().code == ErrorCode::kCorruption);
  CHECK(decode_cloudevent(R"({"specversion":"1.0","id":"a","type":"x.y","tenant":"t","tenantseq":1})")
            .error().code == ErrorCode::kCorruption);  // type outside our namespace
}

TEST_CASE("positions parse and print as partition:offset") {
  auto p = parse_position("2:117");
  REQUIRE(p.ok());
  CHECK(p->partition == 2);
  CHECK(p->offset == 117);
  CHECK(p->to_string() == "2:117");
  CHECK_FALSE(parse_position("2").ok());
  CHECK_FALSE(parse_position("a:1").ok());
  CHECK_FALSE(parse_position("1:-1").ok());
  CHECK_FALSE(parse_position("1:2x").ok());
}

}  // namespace agritrace::events
