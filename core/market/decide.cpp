// production–marketing docking: the rules of market orders (core/domain/across.h).
//
// The buyer (this tenant) places an order with a producer registered on the platform and may
// cancel it while the producer has not answered. The producer (this tenant) accepts it from one
// of its batches — which registers the buyer as a customer counterparty if needed and opens a
// sales order shipped with the production end's shipping — or declines it with a reason. Each
// side only writes events to its own partition; the single writer folds them into the other
// side's state (evolve_across), and the views meet them in any order.
#include <utility>

#include "core/base/rule_errors.h"
#include "core/codes/rules.h"
#include "core/domain/cross_tenant_facts.h"
#include "core/domain/decide.h"
#include "core/inventory/stock.h"
#include "core/market/rules.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;

std::string incoming_key(std::string_view buyer_tenant, std::string_view mo_id) {
  return std::string(buyer_tenant) + "/" + std::string(mo_id);
}

Status text_limit(std::string_view value, std::string_view field, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return invalid("value_too_long",
                   std::string(field) + " exceeds " + std::to_string(max_bytes) + " bytes",
                   std::string(field));
  }
  return Status::Ok();
}

Status not_open(std::string_view mo_id, MarketOrderStatus status) {
  return conflict("market_order_not_open",
                  "market order " + std::string(mo_id) + " is " +
                      std::string(market_order_status_name(status)) +
                      "; only a placed order that the producer has not answered can change",
                  "mo_id");
}

// The producer's side of an order placed with this tenant, or the refusal. An entry that holds
// only the producer's own answer (the buyer's placement not folded yet) is not an order here.
Result<const IncomingMarketOrder*> find_incoming(const TenantState& s, std::string_view buyer_tenant,
                                                 std::string_view mo_id) {
  auto it = s.circulation.incoming_orders.find(incoming_key(buyer_tenant, mo_id));
  if (it == s.circulation.incoming_orders.end() || it->second.quantity.amount <= 0) {
    return not_found("market_order_not_found",
                     "no market order " + std::string(mo_id) + " of enterprise " +
                         std::string(buyer_tenant) + " placed with this enterprise",
                     "mo_id");
  }
  return &it->second;
}

Result<const IncomingMarketOrder*> find_open_incoming(const TenantState& s,
                                                      std::string_view buyer_tenant,
                                                      std::string_view mo_id) {
  auto in = find_incoming(s, buyer_tenant, mo_id);
  if (!in.ok()) return in;
  if ((*in)->status != MarketOrderStatus::kPlaced) return not_open(mo_id, (*in)->status).error();
  return in;
}

// The customer counterparty the producer sells to the buyer as: the existing one with the
// buyer's USCC (given the customer role if it lacks it), or a new one from what the platform
// knows about the buyer. The events to emit go to `out`; returns the counterparty id.
std::string customer_for_buyer(const TenantState& s, const IncomingMarketOrder& order,
                               const Context& ctx, Events& out) {
  if (auto it = s.counterparty_by_uscc.find(order.buyer_tenant); it != s.counterparty_by_uscc.end()) {
    auto cp = s.counterparties.find(it->second);
    if (cp != s.counterparties.end() && !cp->second.roles.customer) {
      CounterpartyRecord record = cp->second;
      record.roles.customer = true;
      out.push_back(CounterpartyAmended{it->second, std::move(record)});
    }
    return it->second;
  }
  const auto buyer =
      ctx.facts != nullptr ? ctx.facts->enterprise(order.buyer_tenant) : std::nullopt;
  CounterpartyRecord record;
  record.kind = CounterpartyKind::kEnterprise;
  record.roles.customer = true;
  record.uscc = order.buyer_tenant;
  // The enterprise's registered name and region; contact person and phone are not known to the
  // platform and stay empty until the producer completes them (PUT /v1/counterparties/{id}).
  record.name = buyer && !buyer->name.empty() ? buyer->name : order.buyer_name;
  record.region = buyer && !buyer->region.empty() ? buyer->region : order.buyer_region;
  if (record.name.empty()) record.name = order.buyer_tenant;
  std::string id = next_id("cp-", s.counters.counterparty);
  out.push_back(CounterpartyRegistered{id, std::move(record)});
  return id;
}

}  // namespace

Result<Events> decide(const TenantState& s, const PlaceMarketOrder& c,
                                  const Context& ctx) {
  if (is_blank(c.producer_tenant)) {
    return invalid("value_required", "producer_tenant is required", "producer_tenant");
  }
  if (c.producer_tenant == ctx.tenant) {
    return invalid("producer_is_self", "an enterprise cannot order from itself", "producer_tenant");
  }
  const auto producer =
      ctx.facts != nullptr ? ctx.facts->enterprise(c.producer_tenant) : std::nullopt;
  if (!producer || !producer->registered) {
    return not_found("producer_not_found",
                     "no enterprise " + c.producer_tenant + " is registered on the platform",
                     "producer_tenant");
  }
  std::string product = c.product;
  if (!c.product_id.empty()) {
    const auto p = find_catalogue_product(ctx, c.product_id);
    if (!p) {
      return not_found("product_not_found",
                       "no product " + c.product_id + " in the platform catalogue", "product_id");
    }
    if (is_blank(product)) product = p->name;
  }
  if (is_blank(product)) {
    return invalid("value_required", "product (or a catalogue product_id) is required", "product");
  }
  if (Status st = text_limit(product, "product", kMaxNameBytes); !st.ok()) return st.error();
  if (c.quantity.amount <= 0) {
    return invalid("quantity_not_positive", "the quantity must be positive", "quantity.amount");
  }
  if (c.price_fen && *c.price_fen < 0) {
    return invalid("price_negative", "the price in fen must not be negative", "price_fen");
  }
  if (c.wanted_by && *c.wanted_by < ctx.today) {
    return invalid("wanted_by_in_past",
                   "wanted_by " + format_date(*c.wanted_by) + " is before today " +
                       format_date(ctx.today),
                   "wanted_by");
  }
  if (Status st = text_limit(c.note, "note", kMaxNoteBytes); !st.ok()) return st.error();
  MarketOrderPlaced e;
  e.mo_id = next_id("mo-", s.circulation.last_market_order);
  e.producer_tenant = c.producer_tenant;
  e.producer_name = producer->name;
  e.product = std::move(product);
  e.product_id = c.product_id;
  e.quantity = c.quantity;
  e.price_fen = c.price_fen;
  e.wanted_by = c.wanted_by;
  e.note = c.note;
  e.buyer_name = s.name;
  e.buyer_region = s.region;
  Events events;
  events.push_back(std::move(e));
  return events;
}

Result<Events> decide(const TenantState& s, const CancelMarketOrder& c,
                                  const Context&) {
  auto it = s.circulation.market_orders.find(c.mo_id);
  // An entry without a producer holds only a folded answer, not an order of this tenant.
  if (it == s.circulation.market_orders.end() || it->second.producer_tenant.empty()) {
    return not_found("market_order_not_found", "no market order " + c.mo_id, "mo_id");
  }
  if (it->second.status != MarketOrderStatus::kPlaced) {
    return not_open(c.mo_id, it->second.status).error();
  }
  if (Status st = text_limit(c.reason, "reason", kMaxNoteBytes); !st.ok()) return st.error();
  Events events;
  events.push_back(MarketOrderCancelled{c.mo_id, it->second.producer_tenant, c.reason});
  return events;
}

Result<Events> decide(const TenantState& s, const AcceptMarketOrder& c,
                                  const Context& ctx) {
  auto found = find_open_incoming(s, c.buyer_tenant, c.mo_id);
  if (!found.ok()) return found.error();
  const IncomingMarketOrder& order = **found;
  if (is_blank(c.batch_id)) return invalid("value_required", "batch_id is required", "batch_id");
  if (s.batches.find(c.batch_id) == s.batches.end()) {
    return not_found("batch_not_found", "no batch " + c.batch_id + " of this enterprise", "batch_id");
  }
  auto item = find_stock_item(s, c.batch_id, "batch_id");
  if (!item.ok()) return item.error();
  if (item->stock.unit != order.quantity.unit) {
    return invalid("unit_mismatch",
                   "batch " + c.batch_id + " is counted in " +
                       std::string(unit_name(item->stock.unit)) + ", the order in " +
                       std::string(unit_name(order.quantity.unit)),
                   "batch_id");
  }
  if (std::string recall = recall_of_item(s, c.batch_id, ctx); !recall.empty()) {
    return conflict("batch_recalled", "batch " + c.batch_id + " is under recall " + recall,
                    "batch_id");
  }
  if (order.quantity.amount > item->stock.amount) {
    return conflict("order_exceeds_stock",
                    "batch " + c.batch_id + " has " + to_string(item->stock) +
                        " in stock, the order asks " + to_string(order.quantity),
                    "batch_id");
  }
  if (c.price_fen && *c.price_fen < 0) {
    return invalid("price_negative", "the price in fen must not be negative", "price_fen");
  }
  if (Status st = text_limit(c.note, "note", kMaxNoteBytes); !st.ok()) return st.error();

  Events events;
  const std::string customer_id = customer_for_buyer(s, order, ctx, events);

  // The sales order, with the values the checks above (and the placement's rules) guarantee
  // valid; built here rather than through decide_create_sales_order so that a buyer's first order
  // needs no copy of the producer's whole state to hold the counterparty registered just now.
  SalesOrderCreated so;
  so.so_id = next_id("so-", s.sales.last_order);
  so.customer_id = customer_id;
  so.batch_id = c.batch_id;
  so.product = is_blank(order.product) ? item->product : order.product;
  so.quantity = order.quantity;
  so.production_date = item->production_date;
  so.expiry_date = item->expiry_date;
  so.price_fen = c.price_fen ? c.price_fen : order.price_fen;
  so.note = c.note;
  so.mo_buyer_tenant = c.buyer_tenant;
  so.mo_id = c.mo_id;
  const std::string so_id = so.so_id;
  events.push_back(std::move(so));
  events.push_back(MarketOrderAccepted{c.buyer_tenant, c.mo_id, so_id, c.batch_id});
  return events;
}

Result<Events> decide(const TenantState& s, const DeclineMarketOrder& c,
                                  const Context&) {
  auto found = find_open_incoming(s, c.buyer_tenant, c.mo_id);
  if (!found.ok()) return found.error();
  if (is_blank(c.reason)) {
    return invalid("value_required", "say why the order is declined", "reason");
  }
  if (Status st = text_limit(c.reason, "reason", kMaxNoteBytes); !st.ok()) return st.error();
  Events events;
  events.push_back(MarketOrderDeclined{c.buyer_tenant, c.mo_id, c.reason});
  return events;
}

}  // namespace agritrace::core
