// Applies one event to a tenant's state. Total: it never fails and never re-validates, because
// events are facts already accepted by decide(); an event that refers to an unknown entity is
// ignored rather than trusted to create one.
#pragma once

#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

void evolve(TenantState& state, const Event& event);

}  // namespace agritrace::core
