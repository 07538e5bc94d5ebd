// The fold of the sales, shipment and recall events (core/sales/rules.h).
#include "core/sales/rules.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/base/json_writer.h"
#include "core/base/rule_errors.h"
#include "core/codes/codes.h"
#include "core/domain/decide.h"

namespace agritrace::core {

namespace {

void put_order(TenantState& state, const std::string& so_id, const std::string& customer,
               const std::string& batch, const std::string& product, Quantity q,
               std::optional<int64_t> price_fen) {
  SalesOrderState& so = state.sales.orders[so_id];
  so.price_fen = price_fen;
  so.customer_id = customer;
  so.batch_id = batch;
  so.product = product;
  so.quantity = q;
  so.shipped.unit = q.unit;
}

void mark_recalled(TenantState& state, const std::string& batch_id, const std::string& recall_id) {
  auto& ids = state.sales.recalled[batch_id];
  if (std::find(ids.begin(), ids.end(), recall_id) == ids.end()) ids.push_back(recall_id);
}

}  // namespace

void evolve(TenantState& state, const SalesOrderCreated& e) {
  observe_id(state.sales.last_order, e.so_id, "so-");
  put_order(state, e.so_id, e.customer_id, e.batch_id, e.product, e.quantity, e.price_fen);
}

void evolve(TenantState& state, const SalesOrderAmended& e) {
  if (state.sales.orders.count(e.so_id) == 0) return;
  put_order(state, e.so_id, e.customer_id, e.batch_id, e.product, e.quantity, e.price_fen);
}

void evolve(TenantState& state, const SalesOrderCancelled& e) {
  if (auto it = state.sales.orders.find(e.so_id); it != state.sales.orders.end()) {
    it->second.status = SalesOrderStatus::kCancelled;
  }
}

void evolve(TenantState& state, const ShipmentRecorded& e) {
  observe_id(state.sales.last_shipment, e.shipment_id, "sh-");
  for (const std::string& serial : e.serials) {
    // A code that came back to us (received again) ships again: the latest shipment wins.
    state.sales.shipped_codes.set(serial, e.shipment_id);
    state.circulation.held_codes.erase(serial);
  }
  int64_t& shipped = state.sales.batch_shipped[e.batch_id];
  if (__builtin_add_overflow(shipped, e.quantity.amount, &shipped)) shipped = INT64_MAX;
  if (auto it = state.sales.orders.find(e.so_id); it != state.sales.orders.end()) {
    int64_t& so_shipped = it->second.shipped.amount;
    if (__builtin_add_overflow(so_shipped, e.quantity.amount, &so_shipped)) so_shipped = INT64_MAX;
    int64_t& invoiced = it->second.invoiced_fen;
    if (e.price_fen && __builtin_add_overflow(invoiced, *e.price_fen, &invoiced)) invoiced = INT64_MAX;
  }
  // .P: a retail sale with a payment voucher, for the payment notification to link.
  if (!e.payment_voucher.empty()) {
    state.payments.sales_by_voucher[e.payment_voucher].push_back(
        VoucherSale{e.so_id, e.shipment_id, e.origin_batch_id.empty() ? e.batch_id : e.origin_batch_id, e.serials});
  }
}

void evolve(TenantState& state, const SalesOrderStatusChanged& e) {
  if (auto it = state.sales.orders.find(e.so_id); it != state.sales.orders.end()) {
    it->second.status = e.status;
  }
}

void evolve(TenantState& state, const RecallRaised& e) {
  observe_id(state.sales.last_recall, e.recall_id, "rc-");
  if (e.scope == RecallScope::kCode) {
    // A code recall stops that code only, not its whole batch.
    state.sales.recalled_codes.set_if_absent(e.target, e.recall_id);
    return;
  }
  for (const std::string& b : e.batch_ids) mark_recalled(state, b, e.recall_id);
  if (e.scope == RecallScope::kLot) {
    // Batches that consume the lot after the recall are marked by index_lot_batch.
    state.sales.recalled_lots.emplace(e.target, e.recall_id);
    if (auto it = state.sales.lot_batches.find(e.target); it != state.sales.lot_batches.end()) {
      for (const std::string& b : it->second) mark_recalled(state, b, e.recall_id);
    }
  }
}

void index_lot_batch(TenantState& state, const std::string& lot_id, const std::string& batch_id) {
  auto& batches = state.sales.lot_batches[lot_id];
  if (std::find(batches.begin(), batches.end(), batch_id) == batches.end()) {
    batches.push_back(batch_id);
    state.sales.batch_lots[batch_id].push_back(lot_id);
  }
  if (auto it = state.sales.recalled_lots.find(lot_id); it != state.sales.recalled_lots.end()) {
    mark_recalled(state, batch_id, it->second);
  }
}

}  // namespace agritrace::core
