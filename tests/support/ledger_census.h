// What a fresh reader finds in a ledger, by command: the tests that prove "no acknowledged
// command lost, none doubled" (the cluster tests of issue 17) count against it.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <map>
#include <set>
#include <string>

#include "events/ledger/ledger.h"

namespace agritrace::testing {

struct LedgerCensus {
  std::map<std::string, std::set<std::string>> commands_by_key;  // Idempotency-Key -> command ids
  std::map<std::string, size_t> events_by_command;                // command id -> its events
};

// Reads the whole ledger from the start (REQUIREs every poll to succeed).
inline LedgerCensus read_census(events::Ledger& ledger) {
  LedgerCensus census;
  auto reader = ledger.open_reader({});
  REQUIRE(reader.ok());
  for (;;) {
    auto polled = (*reader)->poll(1000, 4096);
    REQUIRE(polled.ok());
    for (const auto& se : polled->events) {
      census.commands_by_key[se.envelope.idempotency_key].insert(se.envelope.command_id);
      ++census.events_by_command[se.envelope.command_id];
    }
    if (polled->at_end) break;
  }
  return census;
}

}  // namespace agritrace::testing
