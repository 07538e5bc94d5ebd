// The fold of the production events (core/production/rules.h) into the tenant's write model.
#include "core/production/rules.h"

#include <charconv>

#include "core/base/pii.h"
#include "core/base/rule_errors.h"
#include "core/codes/rules.h"
#include "core/sales/rules.h"

namespace agritrace::core {
namespace {

void index_counterparty(TenantState& state, const std::string& id,
                        const CounterpartyRecord& record) {
  if (!record.uscc.empty()) state.counterparty_by_uscc[record.uscc] = id;
  if (!record.id_number.empty() && record.id_number != kPiiErased) {
    state.counterparty_by_id_number[record.id_number] = id;
  }
}

void unindex_counterparty(TenantState& state, const std::string& id,
                          const CounterpartyRecord& record) {
  if (auto it = state.counterparty_by_uscc.find(record.uscc);
      it != state.counterparty_by_uscc.end() && it->second == id) {
    state.counterparty_by_uscc.erase(it);
  }
  if (auto it = state.counterparty_by_id_number.find(record.id_number);
      it != state.counterparty_by_id_number.end() && it->second == id) {
    state.counterparty_by_id_number.erase(it);
  }
}

}  // namespace

void evolve(TenantState& state, const CounterpartyRegistered& e) {
  observe_id(state.counters.counterparty, e.counterparty_id, "cp-");
  if (auto old = state.counterparties.find(e.counterparty_id);
      old != state.counterparties.end()) {
    unindex_counterparty(state, e.counterparty_id, old->second);
  }
  state.counterparties[e.counterparty_id] = e.record;
  index_counterparty(state, e.counterparty_id, e.record);
}

void evolve(TenantState& state, const CounterpartyAmended& e) {
  auto it = state.counterparties.find(e.counterparty_id);
  if (it == state.counterparties.end()) return;
  unindex_counterparty(state, e.counterparty_id, it->second);
  it->second = e.record;
  index_counterparty(state, e.counterparty_id, e.record);
}

// The personal fields read as erased from now on (the ledger's earlier values can no longer be
// opened); an erased ID number no longer blocks registering that person again.
void evolve(TenantState& state, const CounterpartyPersonalDataErased& e) {
  auto it = state.counterparties.find(e.counterparty_id);
  if (it == state.counterparties.end()) return;
  unindex_counterparty(state, e.counterparty_id, it->second);
  if (!it->second.id_number.empty()) it->second.id_number = std::string(kPiiErased);
  it->second.phone = std::string(kPiiErased);
  index_counterparty(state, e.counterparty_id, it->second);
}

void evolve(TenantState& state, const PurchaseOrderCreated& e) {
  observe_id(state.counters.purchase_order, e.po_id, "po-");
  state.purchase_orders[e.po_id] =
      PurchaseOrderState{e.material,
                         e.supplier_id,
                         e.quantity,
                         e.supplier_lot,
                         e.production_date,
                         e.expiry_date,
                         PurchaseOrderStatus::kOpen,
                         {},
                         e.price_fen,
                         CustomsInfo{e.customs_declaration_number, e.origin_country,
                                     e.port_of_entry, e.ciq_certificate_number}};
}

void evolve(TenantState& state, const PurchaseOrderAmended& e) {
  auto it = state.purchase_orders.find(e.po_id);
  if (it == state.purchase_orders.end()) return;
  PurchaseOrderState& po = it->second;
  po.material = e.material;
  po.quantity = e.quantity;
  po.supplier_lot = e.supplier_lot;
  po.production_date = e.production_date;
  po.expiry_date = e.expiry_date;
  po.price_fen = e.price_fen;
}

void evolve(TenantState& state, const PurchaseOrderCancelled& e) {
  auto it = state.purchase_orders.find(e.po_id);
  if (it != state.purchase_orders.end()) it->second.status = PurchaseOrderStatus::kCancelled;
}

void evolve(TenantState& state, const PurchaseOrderReceived& e) {
  // The lot is created from the event alone (it carries the PO's data).
  observe_id(state.counters.lot, e.lot_id, "lot-");
  if (auto it = state.purchase_orders.find(e.po_id); it != state.purchase_orders.end()) {
    it->second.status = PurchaseOrderStatus::kReceived;
    it->second.lot_id = e.lot_id;
  }
  MaterialLotState lot;
  lot.po_id = e.po_id;
  lot.material = e.material;
  lot.supplier_id = e.supplier_id;
  lot.supplier_lot = e.supplier_lot;
  lot.production_date = e.production_date;
  lot.expiry_date = e.expiry_date;
  lot.received_on = e.received_on;
  lot.received = e.quantity;
  state.lots[e.lot_id] = std::move(lot);
}

void evolve(TenantState& state, const BatchCreated& e) {
  observe_id(state.counters.batch, e.batch_id, "b-");
  BatchState batch;
  batch.product = e.product;
  batch.lot_code = e.lot_code;
  batch.quantity = e.quantity;
  batch.production_date = e.production_date;
  batch.expiry_date = e.expiry_date;
  batch.product_id = e.product_id;
  state.batches[e.batch_id] = std::move(batch);
  state.batch_by_lot_code[e.lot_code] = e.batch_id;
}

void evolve(TenantState& state, const BatchAmended& e) {
  auto it = state.batches.find(e.batch_id);
  if (it == state.batches.end()) return;
  BatchState& batch = it->second;
  batch.product = e.product;
  batch.quantity = e.quantity;
  batch.production_date = e.production_date;
  batch.expiry_date = e.expiry_date;
}

void evolve(TenantState& state, const BatchMaterialConsumed& e) {
  index_lot_batch(state, e.lot_id, e.batch_id);  // recall lineage
  auto it = state.lots.find(e.lot_id);
  if (it == state.lots.end() || it->second.received.unit != e.quantity.unit) return;
  // Saturating add: a forged event with a huge amount must not overflow (UB).
  int64_t& consumed = it->second.consumed_amount;
  if (__builtin_add_overflow(consumed, e.quantity.amount, &consumed)) {
    consumed = INT64_MAX;
  }
}

void evolve(TenantState& state, const BatchDocumentAttached& e) {
  auto it = state.batches.find(e.batch_id);
  if (it != state.batches.end()) it->second.document_sha256s.insert(e.document_sha256);
}

}  // namespace agritrace::core
