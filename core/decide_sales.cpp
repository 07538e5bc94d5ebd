// sales orders and shipping, R-4.2.4 recalls: pure rules over TenantState.
#include "core/decide_sales.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/decide.h"
#include "core/rule_errors.h"
#include "core/json_writer.h"
#include "core/trace_codes.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;



std::string_view status_word(SalesOrderStatus s) { return sales_order_status_name(s); }

const SalesOrderState* find_order(const TenantState& state, std::string_view so_id) {
  auto it = state.sales.orders.find(so_id);
  return it == state.sales.orders.end() ? nullptr : &it->second;
}

int64_t batch_stock(const TenantState& state, std::string_view batch_id, const BatchState& batch) {
  auto it = state.sales.batch_shipped.find(batch_id);
  return batch.quantity.amount - (it == state.sales.batch_shipped.end() ? 0 : it->second);
}

Status check_not_recalled(const TenantState& state, std::string_view batch_id) {
  auto it = state.sales.recalled.find(batch_id);
  if (it != state.sales.recalled.end() && !it->second.empty()) {
    return conflict("batch_recalled",
                    "batch " + std::string(batch_id) + " is under recall " + it->second.front(),
                    "batch_id");
  }
  return Status::Ok();
}

// The values an order's creation and amendment share, with the batch's defaults filled in.
Result<SalesOrderCreated> order_values(const TenantState& state, const CreateSalesOrder& c,
                                       std::string_view self_so_id) {
  auto cp = state.counterparties.find(c.customer_id);
  if (cp == state.counterparties.end()) {
    return not_found("customer_not_found", "no counterparty " + c.customer_id, "customer_id");
  }
  if (!cp->second.roles.customer) {
    return invalid("counterparty_not_customer",
                   "counterparty " + c.customer_id + " does not have the customer role",
                   "customer_id");
  }
  auto b = state.batches.find(c.batch_id);
  if (b == state.batches.end()) {
    return not_found("batch_not_found", "no batch " + c.batch_id, "batch_id");
  }
  const BatchState& batch = b->second;
  if (Status s = check_not_recalled(state, c.batch_id); !s.ok()) return s.error();
  SalesOrderCreated e;
  e.so_id = std::string(self_so_id);
  e.customer_id = c.customer_id;
  e.batch_id = c.batch_id;
  e.product = is_blank(c.product) ? batch.product : c.product;
  if (e.product.size() > kMaxNameBytes) {
    return invalid("value_too_long", "product exceeds " + std::to_string(kMaxNameBytes) + " bytes",
                   "product");
  }
  if (c.quantity.amount <= 0) {
    return invalid("quantity_not_positive", "the quantity must be positive", "quantity.amount");
  }
  if (c.quantity.unit != batch.quantity.unit) {
    return invalid("unit_mismatch",
                   "batch " + c.batch_id + " is counted in " +
                       std::string(unit_name(batch.quantity.unit)),
                   "quantity.unit");
  }
  // Orders are promises of this batch's goods: one that the batch's remaining stock cannot cover
  // is a typing error or a different batch, so it is refused up front.
  const int64_t stock = batch_stock(state, c.batch_id, batch);
  if (c.quantity.amount > stock) {
    return conflict("order_exceeds_stock",
                    "batch " + c.batch_id + " has " +
                        to_string(Quantity{stock, batch.quantity.unit}) + " in stock, the order asks " +
                        to_string(c.quantity),
                    "quantity.amount");
  }
  e.quantity = c.quantity;
  e.production_date = c.production_date.value_or(batch.production_date);
  e.expiry_date = c.expiry_date ? c.expiry_date : batch.expiry_date;
  if (e.expiry_date && *e.expiry_date < e.production_date) {
    return invalid("expiry_before_production",
                   "expiry date " + format_date(*e.expiry_date) + " is before production date " +
                       format_date(e.production_date),
                   "expiry_date");
  }
  if (c.price_fen && *c.price_fen < 0) {
    return invalid("price_negative", "the price in fen must not be negative", "price_fen");
  }
  e.price_fen = c.price_fen;
  if (c.note.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "note exceeds " + std::to_string(kMaxNoteBytes) + " bytes",
                   "note");
  }
  e.note = c.note;
  return e;
}

// What one scanned code resolves to in this tenant's codes.
struct ScannedCode {
  std::string serial;
  std::string batch_id;
  Quantity per_code{1, Unit::kPiece};
};

// Checks one scanned code against the generated codes; the reason when it cannot ship.
Result<ScannedCode> resolve_scanned(const TenantState& state, std::string_view scanned) {
  auto parsed = parse_digital_link(scanned);
  if (!parsed.ok() || parsed->serial.empty()) {
    return invalid("code_syntax", "not a GS1 Digital Link with a serial (AI 21)", "codes");
  }
  auto code = state.codes.find(parsed->serial);
  if (code == state.codes.end()) return not_found("code_unknown", "no such code", "codes");
  auto run = state.code_runs.find(code->second.run_id);
  // A serial we generated but under another GTIN or lot is a forged or misprinted label.
  if (run == state.code_runs.end() || run->second.gtin != parsed->gtin14 ||
      run->second.lot_code != parsed->lot) {
    return not_found("code_unknown", "GTIN or lot do not match the generated code", "codes");
  }
  if (code->second.disabled || run->second.disabled) {
    return conflict("code_disabled", "the code is disabled", "codes");
  }
  ScannedCode out;
  out.serial = parsed->serial;
  out.batch_id = code->second.batch_id;
  if (auto t = state.code_templates.find(run->second.template_id);
      t != state.code_templates.end() && t->second.quantity_per_code.amount > 0) {
    out.per_code = t->second.quantity_per_code;
  }
  return out;
}

}  // namespace

std::string refused_codes_json(const std::vector<RefusedCode>& refused) {
  JsonWriter w;
  w.begin_array();
  for (const RefusedCode& r : refused) {
    w.begin_object().field("code", r.code).field("reason", r.reason).end_object();
  }
  w.end_array();
  return w.take();
}

Result<Events> decide_create_sales_order(const TenantState& state, const CreateSalesOrder& c,
                                         const Context&) {
  auto e = order_values(state, c, next_id("so-", state.sales.last_order));
  if (!e.ok()) return e.error();
  Events events;
  events.push_back(std::move(e).value());
  return events;
}

Result<Events> decide_amend_sales_order(const TenantState& state, const AmendSalesOrder& c,
                                        const Context&) {
  const SalesOrderState* so = find_order(state, c.so_id);
  if (so == nullptr) return not_found("sales_order_not_found", "no sales order " + c.so_id, "so_id");
  if (so->status != SalesOrderStatus::kOpen) {
    return conflict("sales_order_not_open",
                    "sales order " + c.so_id + " is " + std::string(status_word(so->status)) +
                        "; only an open order with nothing shipped can be amended",
                    "so_id");
  }
  auto v = order_values(state, c.values, c.so_id);
  if (!v.ok()) return v.error();
  const SalesOrderCreated& n = *v;
  Events events;
  events.push_back(SalesOrderAmended{c.so_id, n.customer_id, n.batch_id, n.product, n.quantity,
                                     n.production_date, n.expiry_date, n.price_fen, n.note});
  return events;
}

Result<Events> decide_cancel_sales_order(const TenantState& state, const CancelSalesOrder& c,
                                         const Context&) {
  const SalesOrderState* so = find_order(state, c.so_id);
  if (so == nullptr) return not_found("sales_order_not_found", "no sales order " + c.so_id, "so_id");
  // A partially shipped order can be cancelled: what is left is not shipped.
  if (so->status == SalesOrderStatus::kShipped || so->status == SalesOrderStatus::kCancelled) {
    return conflict("sales_order_not_open",
                    "sales order " + c.so_id + " is " + std::string(status_word(so->status)), "so_id");
  }
  if (c.reason.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "reason exceeds " + std::to_string(kMaxNoteBytes) + " bytes",
                   "reason");
  }
  Events events;
  events.push_back(SalesOrderCancelled{c.so_id, c.reason});
  return events;
}

// the whole scan ships or nothing does. Every bad code is listed with its reason so
// the packer can fix the pallet in one go instead of rescanning code by code.
Result<Events> decide_ship_sales_order(const TenantState& state, const ShipSalesOrder& c,
                                       const Context& ctx) {
  const SalesOrderState* so = find_order(state, c.so_id);
  if (so == nullptr) return not_found("sales_order_not_found", "no sales order " + c.so_id, "so_id");
  if (so->status != SalesOrderStatus::kOpen && so->status != SalesOrderStatus::kPartiallyShipped) {
    return conflict("sales_order_not_open",
                    "sales order " + c.so_id + " is " + std::string(status_word(so->status)), "so_id");
  }
  auto b = state.batches.find(so->batch_id);
  if (b == state.batches.end()) {
    return not_found("batch_not_found", "no batch " + so->batch_id, "batch_id");
  }
  if (Status s = check_not_recalled(state, so->batch_id); !s.ok()) return s.error();
  if (c.codes.empty()) return invalid("codes_required", "scan at least one trace code", "codes");
  if (c.codes.size() > kMaxCodesPerShipment) {
    return invalid("too_many_codes",
                   "a shipment names at most " + std::to_string(kMaxCodesPerShipment) +
                       " codes; split the scan",
                   "codes");
  }
  const Date ship_date = c.ship_date.value_or(ctx.today);
  if (ship_date > ctx.today) {
    return invalid("ship_date_in_future", "the ship date is after today", "ship_date");
  }
  std::vector<RefusedCode> refused;
  std::vector<std::string> serials;
  serials.reserve(c.codes.size());
  std::set<std::string, std::less<>> seen;
  Quantity per_code{0, so->quantity.unit};
  for (const std::string& scanned : c.codes) {
    auto r = resolve_scanned(state, scanned);
    if (!r.ok()) {
      refused.push_back({scanned, r.error().reason});
      continue;
    }
    std::string_view reason;
    if (!seen.insert(r->serial).second) {
      reason = "code_duplicate_in_scan";
    } else if (state.sales.shipped_codes.count(r->serial) != 0) {
      reason = "code_already_shipped";
    } else if (state.sales.recalled_codes.count(r->serial) != 0) {
      reason = "code_recalled";
    } else if (r->batch_id != so->batch_id) {
      reason = "code_wrong_batch";
    } else if (r->per_code.unit != so->quantity.unit ||
               (per_code.amount != 0 && r->per_code.amount != per_code.amount)) {
      // Codes of one shipment share a quantity per code in the order's unit.
      reason = "code_unit_mismatch";
    }
    if (!reason.empty()) {
      refused.push_back({scanned, std::string(reason)});
      continue;
    }
    per_code = r->per_code;
    serials.push_back(r->serial);
  }
  if (!refused.empty()) {
    Error e = invalid("codes_refused",
                      std::to_string(refused.size()) + " of " + std::to_string(c.codes.size()) +
                          " scanned codes cannot ship; nothing was shipped",
                      "codes");
    e.details_json = "\"codes\":" + refused_codes_json(refused);
    return e;
  }
  int64_t amount = 0;
  if (__builtin_mul_overflow(per_code.amount, static_cast<int64_t>(serials.size()), &amount)) {
    return invalid("quantity_overflow", "the shipment's quantity overflows", "codes");
  }
  if (so->shipped.amount + amount > so->quantity.amount) {
    return conflict("order_over_shipped",
                    "sales order " + c.so_id + " has " +
                        to_string(Quantity{so->quantity.amount - so->shipped.amount, so->quantity.unit}) +
                        " left to ship; these codes hold " + to_string(Quantity{amount, per_code.unit}),
                    "codes");
  }
  const BatchState& batch = b->second;
  if (amount > batch_stock(state, so->batch_id, batch)) {
    return conflict("stock_insufficient",
                    "batch " + so->batch_id + " has " +
                        to_string(Quantity{batch_stock(state, so->batch_id, batch), batch.quantity.unit}) +
                        " in stock",
                    "codes");
  }
  const CounterpartyRecord* customer = nullptr;
  if (auto cp = state.counterparties.find(so->customer_id); cp != state.counterparties.end()) {
    customer = &cp->second;
  }
  ShipmentRecorded sh;
  sh.shipment_id = next_id("sh-", state.sales.last_shipment);
  sh.so_id = c.so_id;
  sh.batch_id = so->batch_id;
  sh.lot_code = batch.lot_code;
  sh.product = so->product;
  sh.ship_date = ship_date;
  sh.ship_to_id = so->customer_id;
  if (customer != nullptr) {
    sh.ship_to_name = customer->name;
    sh.ship_to_uscc = customer->uscc;
    sh.ship_to_region = customer->region;
    sh.ship_to_individual = customer->kind == CounterpartyKind::kIndividual;
    if (!customer->uscc.empty() && c.customer_tenant_hint == customer->uscc) {
      sh.ship_to_tenant = customer->uscc;
    }
  }
  sh.quantity = Quantity{amount, so->quantity.unit};
  sh.quantity_per_code = per_code.amount;
  sh.serials = std::move(serials);
  const int64_t shipped_after = so->shipped.amount + amount;
  const SalesOrderStatus next = shipped_after == so->quantity.amount
                                    ? SalesOrderStatus::kShipped
                                    : SalesOrderStatus::kPartiallyShipped;
  Events events;
  events.push_back(std::move(sh));
  if (next != so->status) {
    events.push_back(
        SalesOrderStatusChanged{c.so_id, next, Quantity{shipped_after, so->quantity.unit}});
  }
  return events;
}

Result<Events> decide_raise_recall(const TenantState& state, const RaiseRecall& c,
                                   const Context& ctx) {
  if (is_blank(c.reason)) return invalid("value_required", "reason is required", "reason");
  if (c.reason.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "reason exceeds " + std::to_string(kMaxNoteBytes) + " bytes",
                   "reason");
  }
  RecallRaised e;
  e.recall_id = next_id("rc-", state.sales.last_recall);
  e.scope = c.scope;
  e.reason = c.reason;
  e.raised_on = ctx.today;
  switch (c.scope) {
    case RecallScope::kLot: {
      if (state.lots.find(c.target) == state.lots.end()) {
        return not_found("lot_not_found", "no material lot " + c.target, "id");
      }
      e.target = c.target;
      if (auto it = state.sales.lot_batches.find(c.target); it != state.sales.lot_batches.end()) {
        e.batch_ids = it->second;
      }
      break;
    }
    case RecallScope::kBatch: {
      if (state.batches.find(c.target) == state.batches.end()) {
        return not_found("batch_not_found", "no batch " + c.target, "id");
      }
      e.target = c.target;
      e.batch_ids.push_back(c.target);
      break;
    }
    case RecallScope::kCode: {
      // A code may be given as scanned (URI or path) or as its bare serial.
      std::string serial = c.target;
      if (c.target.find('/') != std::string::npos) {
        auto parsed = parse_digital_link(c.target);
        if (!parsed.ok()) {
          return invalid("code_syntax", "not a GS1 Digital Link with a serial (AI 21)", "id");
        }
        serial = parsed->serial;
      }
      auto code = state.codes.find(serial);
      if (code == state.codes.end()) return not_found("code_unknown", "no code " + serial, "id");
      e.target = serial;
      e.batch_ids.push_back(code->second.batch_id);
      break;
    }
    default:
      return invalid("recall_scope_unknown", "scope is lot, batch or code", "scope");
  }
  Events events;
  events.push_back(std::move(e));
  return events;
}

// ---- evolve ------------------------------------------------------------------------------

namespace {

void observe(int64_t& counter, std::string_view id, std::string_view prefix) {
  int64_t n = 0;
  if (id.starts_with(prefix)) {
    const std::string_view digits = id.substr(prefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size()) n = 0;
  }
  counter = n > counter ? n : counter + (n == 0 ? 1 : 0);
}

void put_order(TenantState& state, const std::string& so_id, const std::string& customer,
               const std::string& batch, const std::string& product, Quantity q) {
  SalesOrderState& so = state.sales.orders[so_id];
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

void evolve_sales(TenantState& state, const SalesOrderCreated& e) {
  observe(state.sales.last_order, e.so_id, "so-");
  put_order(state, e.so_id, e.customer_id, e.batch_id, e.product, e.quantity);
}

void evolve_sales(TenantState& state, const SalesOrderAmended& e) {
  if (state.sales.orders.count(e.so_id) == 0) return;
  put_order(state, e.so_id, e.customer_id, e.batch_id, e.product, e.quantity);
}

void evolve_sales(TenantState& state, const SalesOrderCancelled& e) {
  if (auto it = state.sales.orders.find(e.so_id); it != state.sales.orders.end()) {
    it->second.status = SalesOrderStatus::kCancelled;
  }
}

void evolve_sales(TenantState& state, const ShipmentRecorded& e) {
  observe(state.sales.last_shipment, e.shipment_id, "sh-");
  for (const std::string& serial : e.serials) {
    // A code that came back to us (received again) ships again: the latest shipment wins.
    state.sales.shipped_codes[serial] = e.shipment_id;
    state.circulation.held_codes.erase(serial);
  }
  int64_t& shipped = state.sales.batch_shipped[e.batch_id];
  if (__builtin_add_overflow(shipped, e.quantity.amount, &shipped)) shipped = INT64_MAX;
  if (auto it = state.sales.orders.find(e.so_id); it != state.sales.orders.end()) {
    int64_t& so_shipped = it->second.shipped.amount;
    if (__builtin_add_overflow(so_shipped, e.quantity.amount, &so_shipped)) so_shipped = INT64_MAX;
  }
}

void evolve_sales(TenantState& state, const SalesOrderStatusChanged& e) {
  if (auto it = state.sales.orders.find(e.so_id); it != state.sales.orders.end()) {
    it->second.status = e.status;
  }
}

void evolve_sales(TenantState& state, const RecallRaised& e) {
  observe(state.sales.last_recall, e.recall_id, "rc-");
  if (e.scope == RecallScope::kCode) {
    // A code recall stops that code only, not its whole batch.
    state.sales.recalled_codes.emplace(e.target, e.recall_id);
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
  }
  if (auto it = state.sales.recalled_lots.find(lot_id); it != state.sales.recalled_lots.end()) {
    mark_recalled(state, batch_id, it->second);
  }
}

}  // namespace agritrace::core
