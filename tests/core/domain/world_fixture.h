// Test helper: several enterprises over the single writer's own write model (core::WriteModel).
// apply() runs decide for one tenant with the model's CrossTenantFacts and, on success, folds the
// events into the model exactly as the ledger writer does (its tenant and the enterprise they
// concern).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/decide.h"
#include "core/domain/write_model.h"
#include "core/inventory/stock.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core::testing {

struct World {
  WriteModel states;
  std::vector<std::pair<std::string, Event>> log;  // every appended event, in append order
  Date today = day("2026-11-25");

  Context ctx(const std::string& tenant) {
    Context c{tenant, "key-1", 1'795'622'341'123, today};
    c.facts = &states;
    return c;
  }

  Result<std::vector<Event>> apply(const std::string& tenant, const Command& command) {
    const Context c = ctx(tenant);
    auto events = decide(states[tenant], command, c);
    if (events.ok()) {
      for (const Event& e : *events) {
        states.apply(tenant, e);
        log.emplace_back(tenant, e);
      }
    }
    return events;
  }

  // The subject of the first event of a command that must succeed.
  std::string must(const std::string& tenant, const Command& command) {
    auto events = apply(tenant, command);
    if (!events.ok()) return "ERROR " + events.status().to_string();
    return event_subject(events->front());
  }

  void register_enterprise(const std::string& uscc, const std::string& name,
                           const std::string& region) {
    must(uscc, RegisterEnterprise{uscc, name, region, "key-" + uscc, std::string(64, 'a')});
  }
};

}  // namespace agritrace::core::testing
