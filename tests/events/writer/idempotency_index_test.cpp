#include <doctest/doctest.h>

#include "events/envelope/envelope.h"
#include "events/writer/idempotency_index.h"
#include "events/env/posix_env.h"

namespace agritrace::events {

TEST_CASE("IdempotencyIndex returns a keyed command's first answer, per tenant and request") {
  IdempotencyIndex index;
  const std::string cmd = new_event_id(posix_env()).value();
  const EventRef a{new_event_id(posix_env()).value(), "purchase_order.received", "po-7", Position{2, 41}};
  const EventRef b{new_event_id(posix_env()).value(), "batch.created", "b-12", Position{2, 42}};
  index.add_event("T1", "key-1", "hash-A", cmd, a);
  index.add_event("T1", "key-1", "hash-A", cmd, b);
  CHECK(index.size() == 1);

  auto found = index.find("T1", "key-1", "hash-A");
  REQUIRE(found.has_value());
  CHECK(found->same_request);
  CHECK(found->outcome.replayed);
  CHECK(found->outcome.command_id == cmd);
  REQUIRE(found->outcome.events.size() == 2);
  CHECK(found->outcome.events[0].id == a.id);
  CHECK(found->outcome.events[0].type == a.type);
  CHECK(found->outcome.events[0].subject == a.subject);
  CHECK(found->outcome.events[0].position.partition == 2);
  CHECK(found->outcome.events[0].position.offset == 41);
  CHECK(found->outcome.events[1].id == b.id);
  CHECK(found->outcome.events[1].type == b.type);

  auto other_request = index.find("T1", "key-1", "hash-B");
  REQUIRE(other_request.has_value());
  CHECK_FALSE(other_request->same_request);
  CHECK_FALSE(index.find("T2", "key-1", "hash-A").has_value());   // keys are per tenant
  CHECK_FALSE(index.find("T1", "key-2", "hash-A").has_value());
  CHECK_FALSE(index.find("T1k", "ey-1", "hash-A").has_value());   // no ambiguity at the seam

  // A later command under the same key (after a restart the ledger is folded again) replaces it.
  const std::string cmd2 = new_event_id(posix_env()).value();
  index.add_event("T1", "key-1", "hash-C", cmd2, EventRef{new_event_id(posix_env()).value(), "batch.amended", "b-12", Position{2, 50}});
  auto again = index.find("T1", "key-1", "hash-C");
  REQUIRE(again.has_value());
  CHECK(again->outcome.command_id == cmd2);
  CHECK(again->outcome.events.size() == 1);
}

}  // namespace agritrace::events
