// Rules of the production end: counterparties, purchase orders, batches
// and their documents.
#pragma once

#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"
#include "core/production/commands.h"
#include "core/production/events.h"

namespace agritrace::core {

// The rules: the events to append, or the reason why not (core/domain/decide.h).
Result<std::vector<Event>> decide(const TenantState& state, const RegisterCounterparty& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AmendCounterparty& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CreatePurchaseOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AmendPurchaseOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CancelPurchaseOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const ReceivePurchaseOrder& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CreateBatch& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AmendBatch& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const ConsumeMaterial& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AttachDocument& c,
                                  const Context& ctx);

// The fold of the area's own events into the tenant's write model.
void evolve(TenantState& state, const CounterpartyRegistered& e);
void evolve(TenantState& state, const CounterpartyAmended& e);
void evolve(TenantState& state, const PurchaseOrderCreated& e);
void evolve(TenantState& state, const PurchaseOrderAmended& e);
void evolve(TenantState& state, const PurchaseOrderCancelled& e);
void evolve(TenantState& state, const PurchaseOrderReceived& e);
void evolve(TenantState& state, const BatchCreated& e);
void evolve(TenantState& state, const BatchAmended& e);
void evolve(TenantState& state, const BatchMaterialConsumed& e);
void evolve(TenantState& state, const BatchDocumentAttached& e);

}  // namespace agritrace::core
