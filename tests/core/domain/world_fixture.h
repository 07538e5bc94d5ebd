// Test helper: several enterprises and the single writer's cross-enterprise folding in
// miniature. apply() runs decide for one tenant and, on success, evolves its state and the state
// of the enterprise the events concern (evolve_across), exactly as the ledger writer does.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/across.h"
#include "core/domain/decide.h"
#include "core/domain/evolve.h"
#include "core/inventory/stock.h"
#include "tests/core/domain/domain_fixture.h"

namespace agritrace::core::testing {

struct World {
  std::map<std::string, TenantState, std::less<>> states;
  std::vector<std::pair<std::string, Event>> log;  // every appended event, in append order
  Date today = day("2026-11-25");

  Context ctx(const std::string& tenant) {
    Context c{tenant, "key-1", 1'795'622'341'123, today};
    c.platform = &states[std::string(kPlatformTenant)];
    c.tenant_state = [this](std::string_view t) -> const TenantState* {
      auto it = states.find(t);
      return it == states.end() ? nullptr : &it->second;
    };
    return c;
  }

  static void fold(std::map<std::string, TenantState, std::less<>>& into, const std::string& tenant,
                   const Event& e) {
    evolve(into[tenant], e);
    const std::string target = cross_tenant_target(tenant, e);
    if (!target.empty()) evolve_across(into[target], tenant, e);
  }

  Result<std::vector<Event>> apply(const std::string& tenant, const Command& command) {
    const Context c = ctx(tenant);
    auto events = decide(states[tenant], command, c);
    if (events.ok()) {
      for (const Event& e : *events) {
        fold(states, tenant, e);
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
