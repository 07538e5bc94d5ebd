// Facts of one enterprise that another one's rules need (a shipment to it, a market order placed
// with it, the answer to its order) reach the other enterprise's write model through
// evolve_across(), called by the single writer (events/writer/command_writer.cpp).
#pragma once

#include <string>
#include <string_view>

#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

// The other enterprise whose write model an event of `from_tenant` also changes ("" if none):
// the customer of a shipment, the producer of a placed/cancelled market order, the buyer of an
// accepted/declined one.
std::string cross_tenant_target(std::string_view from_tenant, const Event& event);
// Folds `event` of `from_tenant` into the target enterprise's state. Order-independent with the
// target's own events (the fold of a Kafka ledger may meet them in any order).
void evolve_across(TenantState& target, std::string_view from_tenant, const Event& event);

}  // namespace agritrace::core
