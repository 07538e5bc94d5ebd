// Rules of the production end: counterparties, purchase orders, batches
// and their documents.
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RegisterCounterparty& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AmendCounterparty& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const ErasePersonalData& c,
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

void evolve(TenantState& state, const CounterpartyRegistered& e);
void evolve(TenantState& state, const CounterpartyAmended& e);
void evolve(TenantState& state, const CounterpartyPersonalDataErased& e);
void evolve(TenantState& state, const PurchaseOrderCreated& e);
void evolve(TenantState& state, const PurchaseOrderAmended& e);
void evolve(TenantState& state, const PurchaseOrderCancelled& e);
void evolve(TenantState& state, const PurchaseOrderReceived& e);
void evolve(TenantState& state, const BatchCreated& e);
void evolve(TenantState& state, const BatchAmended& e);
void evolve(TenantState& state, const BatchMaterialConsumed& e);
void evolve(TenantState& state, const BatchDocumentAttached& e);

}  // namespace agritrace::core
