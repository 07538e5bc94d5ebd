// sales orders and shipping, R-4.2.4 recalls: pure rules over TenantState.
#include "core/sales/rules.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/base/json_writer.h"
#include "core/base/rule_errors.h"
#include "core/codes/codes.h"
#include "core/domain/cross_tenant_facts.h"
#include "core/domain/decide.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;



std::string_view status_word(SalesOrderStatus s) { return sales_order_status_name(s); }

const SalesOrderState* find_order(const TenantState& state, std::string_view so_id) {
  auto it = state.sales.orders.find(so_id);
  return it == state.sales.orders.end() ? nullptr : &it->second;
}

// The stock item a sales order draws on (own batch or lot), refused when unknown or recalled.
Result<StockItem> order_item(const TenantState& state, std::string_view item_id, const Context& ctx) {
  auto item = find_stock_item(state, item_id, "batch_id");
  if (!item.ok()) {
    return not_found("batch_not_found", "no batch or lot " + std::string(item_id), "batch_id");
  }
  if (std::string recall = recall_of_item(state, item_id, ctx); !recall.empty()) {
    return conflict("batch_recalled",
                    std::string(item_id) + " is under recall " + recall, "batch_id");
  }
  return item;
}

// The values an order's creation and amendment share, with the item's defaults filled in.
Result<SalesOrderCreated> order_values(const TenantState& state, const CreateSalesOrder& c,
                                       std::string_view self_so_id, const Context& ctx) {
  auto cp = state.counterparties.find(c.customer_id);
  if (cp == state.counterparties.end()) {
    return not_found("customer_not_found", "no counterparty " + c.customer_id, "customer_id");
  }
  if (!cp->second.roles.customer) {
    return invalid("counterparty_not_customer",
                   "counterparty " + c.customer_id + " does not have the customer role",
                   "customer_id");
  }
  auto found = order_item(state, c.batch_id, ctx);
  if (!found.ok()) return found.error();
  const StockItem& item = *found;
  SalesOrderCreated e;
  e.so_id = std::string(self_so_id);
  e.customer_id = c.customer_id;
  e.batch_id = c.batch_id;
  e.product = is_blank(c.product) ? item.product : c.product;
  if (e.product.size() > kMaxNameBytes) {
    return invalid("value_too_long", "product exceeds " + std::to_string(kMaxNameBytes) + " bytes",
                   "product");
  }
  if (c.quantity.amount <= 0) {
    return invalid("quantity_not_positive", "the quantity must be positive", "quantity.amount");
  }
  if (c.quantity.unit != item.stock.unit) {
    return invalid("unit_mismatch",
                   c.batch_id + " is counted in " + std::string(unit_name(item.stock.unit)),
                   "quantity.unit");
  }
  // Orders are promises of this item's goods: one that the remaining stock cannot cover is a
  // typing error or a different batch, so it is refused up front.
  if (c.quantity.amount > item.stock.amount) {
    return conflict("order_exceeds_stock",
                    c.batch_id + " has " + to_string(item.stock) + " in stock, the order asks " +
                        to_string(c.quantity),
                    "quantity.amount");
  }
  e.quantity = c.quantity;
  e.production_date = c.production_date.value_or(item.production_date);
  e.expiry_date = c.expiry_date ? c.expiry_date : item.expiry_date;
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

// What one scanned code resolves to in this tenant's stock.
struct ScannedCode {
  std::string serial;
  std::string item_id;
  Quantity per_code{1, Unit::kPiece};
};

// The recall of one received code at its producer (a code recall), or "".
std::string code_recall_at_origin(const TenantState& state, std::string_view lot_id,
                                  std::string_view serial, const Context& ctx) {
  auto lot = state.lots.find(lot_id);
  if (lot == state.lots.end() || lot->second.origin_tenant.empty() || ctx.facts == nullptr) {
    return {};
  }
  auto origin = ctx.facts->origin_code(lot->second.origin_tenant, serial);
  return origin ? origin->recall_id : std::string();
}

// Checks one scanned code against our generated codes or the codes we hold; the reason when it
// cannot leave.
Result<ScannedCode> resolve_scanned(const TenantState& state, std::string_view scanned,
                                    const Context& ctx) {
  auto parsed = parse_digital_link(scanned);
  if (!parsed.ok() || parsed->serial.empty()) {
    return invalid("code_syntax", "not a GS1 Digital Link with a serial (AI 21)", "codes");
  }
  ScannedCode out;
  out.serial = parsed->serial;
  if (auto held = state.circulation.held_codes.find(parsed->serial)) {
    // A code we received: it leaves from the lot it came in with.
    auto lot = state.lots.find(*held);
    if (lot == state.lots.end()) return not_found("code_unknown", "no such code", "codes");
    if (lot->second.lot_code != parsed->lot) {
      return not_found("code_unknown", "the lot in the code does not match the received goods", "codes");
    }
    if (!code_recall_at_origin(state, *held, parsed->serial, ctx).empty()) {
      return conflict("code_recalled", "the code is under recall", "codes");
    }
    out.item_id = *held;
    out.per_code = Quantity{lot->second.quantity_per_code, lot->second.received.unit};
    return out;
  }
  auto code = state.codes.find(parsed->serial);
  if (!code) {
    if (state.sales.shipped_codes.contains(parsed->serial)) {
      return conflict("code_already_shipped", "the code has left already", "codes");
    }
    return not_found("code_unknown", "no such code", "codes");
  }
  auto run = state.code_runs.find(code->run_id);
  // A serial we generated but under another GTIN or lot is a forged or misprinted label.
  if (run == state.code_runs.end() || run->second.gtin != parsed->gtin14 ||
      run->second.lot_code != parsed->lot) {
    return not_found("code_unknown", "GTIN or lot do not match the generated code", "codes");
  }
  if (code->disabled || run->second.disabled) {
    return conflict("code_disabled", "the code is disabled", "codes");
  }
  if (state.sales.shipped_codes.contains(parsed->serial)) {
    return conflict("code_already_shipped", "the code has left already", "codes");
  }
  if (state.sales.recalled_codes.contains(parsed->serial)) {
    return conflict("code_recalled", "the code is under recall", "codes");
  }
  out.item_id = code->batch_id;
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

Error codes_refused(const std::vector<RefusedCode>& refused, size_t scanned, std::string_view what) {
  Error e = invalid("codes_refused",
                    std::to_string(refused.size()) + " of " + std::to_string(scanned) +
                        " scanned codes cannot " + std::string(what) + "; nothing was recorded",
                    "codes");
  e.details_json = "\"codes\":" + refused_codes_json(refused);
  return e;
}

Result<OutgoingScan> scan_outgoing(const TenantState& state, const std::vector<std::string>& codes,
                                   std::string_view item_id, const Context& ctx) {
  if (codes.empty()) return invalid("codes_required", "scan at least one trace code", "codes");
  if (codes.size() > kMaxCodesPerShipment) {
    return invalid("too_many_codes",
                   "a shipment names at most " + std::to_string(kMaxCodesPerShipment) +
                       " codes; split the scan",
                   "codes");
  }
  OutgoingScan out;
  out.item_id = std::string(item_id);
  out.serials.reserve(codes.size());
  std::vector<RefusedCode> refused;
  std::set<std::string, std::less<>> seen;
  for (const std::string& scanned : codes) {
    auto r = resolve_scanned(state, scanned, ctx);
    if (!r.ok()) {
      refused.push_back({scanned, r.error().reason});
      continue;
    }
    if (out.item_id.empty()) out.item_id = r->item_id;
    std::string_view reason;
    if (!seen.insert(r->serial).second) {
      reason = "code_duplicate_in_scan";
    } else if (r->item_id != out.item_id) {
      reason = "code_wrong_batch";
    } else if (r->per_code.amount <= 0 ||
               (!out.serials.empty() && (r->per_code.amount != out.per_code.amount ||
                                         r->per_code.unit != out.per_code.unit))) {
      // Codes of one shipment share a quantity per code.
      reason = "code_unit_mismatch";
    }
    if (!reason.empty()) {
      refused.push_back({scanned, std::string(reason)});
      continue;
    }
    out.per_code = r->per_code;
    out.serials.push_back(r->serial);
  }
  if (!refused.empty()) return codes_refused(refused, codes.size(), "leave");
  int64_t amount = 0;
  if (__builtin_mul_overflow(out.per_code.amount, static_cast<int64_t>(out.serials.size()), &amount)) {
    return invalid("quantity_overflow", "the shipment's quantity overflows", "codes");
  }
  out.total = Quantity{amount, out.per_code.unit};
  return out;
}

ShipmentRecorded make_shipment(const TenantState& state, std::string_view so_id,
                               const SalesOrderState& so, const StockItem& item, Date ship_date,
                               std::vector<std::string> serials, Quantity per_code, Quantity total,
                               std::string_view customer_tenant_hint, const Context& ctx) {
  ShipmentRecorded sh;
  sh.shipment_id = next_id("sh-", state.sales.last_shipment);
  sh.so_id = std::string(so_id);
  sh.batch_id = item.item_id;
  sh.lot_code = item.lot_code;
  sh.product = so.product;
  sh.ship_date = ship_date;
  sh.ship_to_id = so.customer_id;
  if (auto cp = state.counterparties.find(so.customer_id); cp != state.counterparties.end()) {
    const CounterpartyRecord& customer = cp->second;
    sh.ship_to_name = customer.name;
    sh.ship_to_uscc = customer.uscc;
    sh.ship_to_region = customer.region;
    sh.ship_to_individual = customer.kind == CounterpartyKind::kIndividual;
    // The customer is an enterprise registered here: its own receiving continues the lineage.
    // Known from the writer's states; the API's hint serves callers without them (unit tests).
    const auto registered = customer.uscc.empty() || ctx.facts == nullptr
                                ? std::nullopt
                                : ctx.facts->enterprise(customer.uscc);
    if (!customer.uscc.empty() &&
        ((registered && registered->registered) || customer_tenant_hint == customer.uscc)) {
      sh.ship_to_tenant = customer.uscc;
    }
  } else if (so.customer_id == kAnonymousConsumer) {
    sh.ship_to_individual = true;
  }
  sh.quantity = total;
  sh.quantity_per_code = per_code.amount;
  sh.serials = std::move(serials);
  sh.origin_tenant = item.origin_tenant;
  sh.origin_batch_id = item.origin_batch_id;
  if (auto mo = state.circulation.so_market_order.find(so_id);
      mo != state.circulation.so_market_order.end()) {
    const size_t slash = mo->second.find('/');
    sh.mo_buyer_tenant = mo->second.substr(0, slash);
    sh.mo_id = slash == std::string::npos ? std::string() : mo->second.substr(slash + 1);
  }
  if (so.price_fen && so.quantity.amount > 0) {
    // The order's price spread over its shipments; the one that completes the order takes the
    // remainder, so the shares always add up to the price.
    const bool completes = so.shipped.amount + total.amount >= so.quantity.amount;
    __int128 share = static_cast<__int128>(*so.price_fen) * total.amount / so.quantity.amount;
    if (completes) share = *so.price_fen - so.invoiced_fen;
    sh.price_fen = static_cast<int64_t>(share < 0 ? 0 : share);
  }
  return sh;
}

std::optional<FinanceEntryRecorded> sales_income(const TenantState& state,
                                                 const ShipmentRecorded& shipment,
                                                 int64_t last_entry) {
  if (!shipment.price_fen || *shipment.price_fen <= 0) return std::nullopt;
  FinanceEntryRecorded f;
  f.entry_id = next_id("fe-", last_entry);
  f.direction = FinanceDirection::kIncome;
  f.amount_fen = *shipment.price_fen;
  f.category = std::string(kSalesCategory);
  if (state.counterparties.count(shipment.ship_to_id) != 0) f.counterparty_id = shipment.ship_to_id;
  f.counterparty_name = shipment.ship_to_name;
  f.document = "shipment:" + shipment.shipment_id;
  f.date = shipment.ship_date;
  f.automatic = true;
  return f;
}

Result<Events> decide(const TenantState& state, const CreateSalesOrder& c,
                                         const Context& ctx) {
  auto e = order_values(state, c, next_id("so-", state.sales.last_order), ctx);
  if (!e.ok()) return e.error();
  Events events;
  events.push_back(std::move(e).value());
  return events;
}

Result<Events> decide(const TenantState& state, const AmendSalesOrder& c,
                                        const Context& ctx) {
  const SalesOrderState* so = find_order(state, c.so_id);
  if (so == nullptr) return not_found("sales_order_not_found", "no sales order " + c.so_id, "so_id");
  if (so->status != SalesOrderStatus::kOpen) {
    return conflict("sales_order_not_open",
                    "sales order " + c.so_id + " is " + std::string(status_word(so->status)) +
                        "; only an open order with nothing shipped can be amended",
                    "so_id");
  }
  auto v = order_values(state, c.values, c.so_id, ctx);
  if (!v.ok()) return v.error();
  const SalesOrderCreated& n = *v;
  Events events;
  events.push_back(SalesOrderAmended{c.so_id, n.customer_id, n.batch_id, n.product, n.quantity,
                                     n.production_date, n.expiry_date, n.price_fen, n.note});
  return events;
}

Result<Events> decide(const TenantState& state, const CancelSalesOrder& c,
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

// the whole scan ships or nothing does. Every bad code is listed with its
// reason so the packer can fix the pallet in one go instead of rescanning code by code. Goods
// without codes (a lot received by hand) ship by quantity instead.
Result<Events> decide(const TenantState& state, const ShipSalesOrder& c,
                                       const Context& ctx) {
  const SalesOrderState* so = find_order(state, c.so_id);
  if (so == nullptr) return not_found("sales_order_not_found", "no sales order " + c.so_id, "so_id");
  if (so->status != SalesOrderStatus::kOpen && so->status != SalesOrderStatus::kPartiallyShipped) {
    return conflict("sales_order_not_open",
                    "sales order " + c.so_id + " is " + std::string(status_word(so->status)), "so_id");
  }
  auto found = order_item(state, so->batch_id, ctx);
  if (!found.ok()) return found.error();
  const StockItem& item = *found;
  const Date ship_date = c.ship_date.value_or(ctx.today);
  if (ship_date > ctx.today) {
    return invalid("ship_date_in_future", "the ship date is after today", "ship_date");
  }
  std::vector<std::string> serials;
  Quantity per_code{0, so->quantity.unit};
  Quantity total{0, so->quantity.unit};
  if (c.quantity) {
    if (!c.codes.empty()) {
      return invalid("codes_or_quantity", "give either the scanned codes or a quantity", "quantity");
    }
    if (c.quantity->amount <= 0) {
      return invalid("quantity_not_positive", "the quantity must be positive", "quantity.amount");
    }
    if (c.quantity->unit != so->quantity.unit) {
      return invalid("unit_mismatch", "the order is counted in " + std::string(unit_name(so->quantity.unit)),
                     "quantity.unit");
    }
    total = *c.quantity;
  } else {
    auto scan = scan_outgoing(state, c.codes, so->batch_id, ctx);
    if (!scan.ok()) return scan.error();
    if (scan->per_code.unit != so->quantity.unit) {
      std::vector<RefusedCode> refused;
      for (const std::string& code : c.codes) refused.push_back({code, "code_unit_mismatch"});
      return codes_refused(refused, c.codes.size(), "ship");
    }
    serials = std::move(scan->serials);
    per_code = scan->per_code;
    total = scan->total;
  }
  if (so->shipped.amount + total.amount > so->quantity.amount) {
    return conflict("order_over_shipped",
                    "sales order " + c.so_id + " has " +
                        to_string(Quantity{so->quantity.amount - so->shipped.amount, so->quantity.unit}) +
                        " left to ship; this shipment holds " + to_string(total),
                    c.quantity ? "quantity.amount" : "codes");
  }
  if (total.amount > item.stock.amount) {
    return conflict("stock_insufficient", so->batch_id + " has " + to_string(item.stock) + " in stock",
                    c.quantity ? "quantity.amount" : "codes");
  }
  ShipmentRecorded sh = make_shipment(state, c.so_id, *so, item, ship_date, std::move(serials),
                                      per_code, total, c.customer_tenant_hint, ctx);
  const int64_t shipped_after = so->shipped.amount + total.amount;
  const SalesOrderStatus next = shipped_after == so->quantity.amount
                                    ? SalesOrderStatus::kShipped
                                    : SalesOrderStatus::kPartiallyShipped;
  auto income = sales_income(state, sh, state.circulation.last_finance_entry);
  Events events;
  events.push_back(std::move(sh));
  if (next != so->status) {
    events.push_back(
        SalesOrderStatusChanged{c.so_id, next, Quantity{shipped_after, so->quantity.unit}});
  }
  if (income) events.push_back(std::move(*income));
  return events;
}

Result<Events> decide(const TenantState& state, const RaiseRecall& c,
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
      if (!code) return not_found("code_unknown", "no code " + serial, "id");
      e.target = serial;
      e.batch_ids.push_back(code->batch_id);
      break;
    }
    default:
      return invalid("recall_scope_unknown", "scope is lot, batch or code", "scope");
  }
  Events events;
  events.push_back(std::move(e));
  return events;
}

}  // namespace agritrace::core
