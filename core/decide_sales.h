// The rules of sales, shipping and recalls, dispatched from decide().
#pragma once

#include <vector>

#include "core/command_context.h"
#include "core/domain_events.h"
#include "core/sales.h"
#include "core/status.h"
#include "core/tenant_state.h"

namespace agritrace::core {

Result<std::vector<Event>> decide_create_sales_order(const TenantState& state,
                                                     const CreateSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_amend_sales_order(const TenantState& state,
                                                    const AmendSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_cancel_sales_order(const TenantState& state,
                                                     const CancelSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_ship_sales_order(const TenantState& state,
                                                   const ShipSalesOrder& c, const Context& ctx);
Result<std::vector<Event>> decide_raise_recall(const TenantState& state, const RaiseRecall& c,
                                               const Context& ctx);

// Folding of the sales events into TenantState::sales (called from evolve()).
void evolve_sales(TenantState& state, const SalesOrderCreated& e);
void evolve_sales(TenantState& state, const SalesOrderAmended& e);
void evolve_sales(TenantState& state, const SalesOrderCancelled& e);
void evolve_sales(TenantState& state, const ShipmentRecorded& e);
void evolve_sales(TenantState& state, const SalesOrderStatusChanged& e);
void evolve_sales(TenantState& state, const RecallRaised& e);
// Lineage index used by recalls: material lot -> batches that consumed it.
void index_lot_batch(TenantState& state, const std::string& lot_id, const std::string& batch_id);

// One refused code of a scan, with its stable reason (code_unknown, code_disabled,
// code_already_shipped, code_wrong_batch, code_duplicate_in_scan, code_syntax).
struct RefusedCode {
  std::string code;
  std::string reason;
};
// The problem's extension member for a refused scan: "codes":[{"code":..,"reason":..},..].
std::string refused_codes_json(const std::vector<RefusedCode>& refused);

}  // namespace agritrace::core
