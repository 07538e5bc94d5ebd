// retail: a sale to a consumer at the counter, from one stock item, by scanned codes or
// (goods without codes) by quantity. It is a sales order shipped at once: the same events as an
// order and its shipment, so whereabouts, recalls and analytics see retail sales like any other.
#include "core/base/rule_errors.h"
#include "core/domain/decide.h"
#include "core/inventory/stock.h"
#include "core/retail/rules.h"
#include "core/sales/rules.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const RecordRetailSale& c,
                                              const Context& ctx) {
  const Date sold_on = c.sold_on.value_or(ctx.today);
  if (sold_on > ctx.today) return invalid("sold_on_in_future", "the sale date is after today", "sold_on");
  if (c.price_fen && *c.price_fen < 0) {
    return invalid("price_negative", "the price in fen must not be negative", "price_fen");
  }
  if (c.payment_voucher.size() > 64) {
    return invalid("value_too_long", "payment_voucher exceeds 64 bytes", "payment_voucher");
  }
  for (char ch : c.payment_voucher) {
    if (static_cast<unsigned char>(ch) < 0x21 || static_cast<unsigned char>(ch) > 0x7e) {
      return invalid("payment_voucher_invalid", "a payment voucher number is printable ASCII without spaces",
                     "payment_voucher");
    }
  }
  if (c.note.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "note exceeds " + std::to_string(kMaxNoteBytes) + " bytes", "note");
  }
  std::string customer_id(kAnonymousConsumer);
  if (!c.customer_id.empty()) {
    auto cp = state.counterparties.find(c.customer_id);
    if (cp == state.counterparties.end()) {
      return not_found("customer_not_found", "no counterparty " + c.customer_id, "customer_id");
    }
    if (cp->second.kind != CounterpartyKind::kIndividual) {
      return invalid("customer_not_individual",
                     "a retail sale is to a consumer; sell to an enterprise with a sales order",
                     "customer_id");
    }
    customer_id = c.customer_id;
  }

  std::vector<std::string> serials;
  Quantity per_code{0, Unit::kPiece};
  Quantity total;
  std::string item_id = c.item_id;
  if (!c.codes.empty()) {
    if (c.quantity) {
      return invalid("codes_or_quantity", "give either the scanned codes or a quantity", "quantity");
    }
    auto scan = scan_outgoing(state, c.codes, item_id, ctx);
    if (!scan.ok()) return scan.error();
    item_id = scan->item_id;
    serials = std::move(scan->serials);
    per_code = scan->per_code;
    total = scan->total;
  } else {
    if (item_id.empty()) {
      return invalid("codes_required", "scan the codes, or give item_id and quantity", "codes");
    }
    if (!c.quantity) return invalid("value_required", "quantity is required without codes", "quantity");
    if (c.quantity->amount <= 0) {
      return invalid("quantity_not_positive", "the quantity must be positive", "quantity.amount");
    }
    total = *c.quantity;
  }
  auto found = find_stock_item(state, item_id, "item_id");
  if (!found.ok()) return found.error();
  const StockItem& item = *found;
  if (std::string recall = recall_of_item(state, item_id, ctx); !recall.empty()) {
    return conflict("batch_recalled", item_id + " is under recall " + recall, "item_id");
  }
  if (total.unit != item.stock.unit) {
    return invalid("unit_mismatch", item_id + " is counted in " + std::string(unit_name(item.stock.unit)),
                   "quantity.unit");
  }
  if (total.amount > item.stock.amount) {
    return conflict("stock_insufficient", item_id + " has " + to_string(item.stock) + " in stock",
                    serials.empty() ? "quantity.amount" : "codes");
  }

  SalesOrderCreated order;
  order.so_id = next_id("so-", state.sales.last_order);
  order.customer_id = customer_id;
  order.batch_id = item_id;
  order.product = item.product;
  order.quantity = total;
  order.production_date = item.production_date;
  order.expiry_date = item.expiry_date;
  order.price_fen = c.price_fen;
  order.note = c.note;
  SalesOrderState so;
  so.customer_id = order.customer_id;
  so.batch_id = item_id;
  so.product = order.product;
  so.quantity = total;
  so.shipped = Quantity{0, total.unit};
  so.price_fen = c.price_fen;
  ShipmentRecorded sh = make_shipment(state, order.so_id, so, item, sold_on, std::move(serials),
                                      per_code, total, {}, ctx);
  sh.ship_to_individual = true;
  sh.payment_voucher = c.payment_voucher;
  auto income = sales_income(state, sh, state.circulation.last_finance_entry);
  std::vector<Event> events;
  const std::string so_id = order.so_id;
  events.push_back(std::move(order));
  events.push_back(std::move(sh));
  events.push_back(SalesOrderStatusChanged{so_id, SalesOrderStatus::kShipped, total});
  if (income) events.push_back(std::move(*income));
  return events;
}

}  // namespace agritrace::core
