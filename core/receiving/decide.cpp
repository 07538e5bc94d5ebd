// receiving: by scanning the codes of an incoming shipment (the record fills itself from
// the shipment the codes left with) or by hand for goods without codes.
#include <map>
#include <set>

#include "core/base/rule_errors.h"
#include "core/codes/codes.h"
#include "core/domain/cross_tenant_facts.h"
#include "core/domain/decide.h"
#include "core/inventory/stock.h"
#include "core/receiving/rules.h"
#include "core/sales/rules.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;

Status check_price(const std::optional<int64_t>& price_fen) {
  if (price_fen && *price_fen < 0) {
    return invalid("price_negative", "the price in fen must not be negative", "price_fen");
  }
  return Status::Ok();
}

Result<Date> receipt_date(const std::optional<Date>& given, const Context& ctx) {
  const Date d = given.value_or(ctx.today);
  if (d > ctx.today) return invalid("received_on_in_future", "the receipt date is after today", "received_on");
  return d;
}

// The automatic expense of a priced receipt ("purchases", R-4.3.6).
std::optional<FinanceEntryRecorded> purchase_expense(const GoodsReceived& r, int64_t last_entry) {
  if (!r.price_fen || *r.price_fen <= 0) return std::nullopt;
  FinanceEntryRecorded f;
  f.entry_id = next_id("fe-", last_entry);
  f.direction = FinanceDirection::kExpense;
  f.amount_fen = *r.price_fen;
  f.category = std::string(kPurchasesCategory);
  f.counterparty_id = r.supplier_id;
  f.counterparty_name = r.supplier_name;
  f.document = "receipt:" + r.receipt_id;
  f.date = r.received_on;
  f.automatic = true;
  return f;
}

// Why one scanned code cannot be received here, or "" when it can. `recalled` memoises the
// upstream recall walk per inbound shipment: every code of a shipment shares it.
std::string refusal(const TenantState& state, const ParsedDigitalLink& code, const Context& ctx,
                    std::map<std::string, bool, std::less<>>& recalled) {
  auto in_key = state.circulation.inbound_codes.find(code.serial);
  if (!in_key) return "code_not_shipped_to_you";
  auto in = state.circulation.inbound.find(*in_key);
  if (in == state.circulation.inbound.end()) return "code_not_shipped_to_you";
  if (auto r = state.circulation.received_codes.find(code.serial); r && *r == *in_key) {
    return "code_already_received";
  }
  if (in->second.lot_code != code.lot) return "code_unknown";
  const auto origin = ctx.facts != nullptr
                          ? ctx.facts->origin_code(in->second.origin_tenant, code.serial)
                          : std::nullopt;
  if (origin) {
    if (!origin->generated || origin->gtin14 != code.gtin14) return "code_unknown";
    if (origin->disabled) return "code_disabled";
    if (origin->recalled) return "code_recalled";
  }
  auto memo = recalled.find(in->first);
  if (memo == recalled.end()) {
    const bool r = !recall_of_remote_item(in->second.from_tenant, in->second.from_item_id, ctx).empty();
    memo = recalled.emplace(in->first, r).first;
  }
  return memo->second ? "code_recalled" : "";
}

}  // namespace

// One receipt (and lot) per inbound shipment the scanned codes belong to. All or nothing: any code
// not shipped to us, disabled, recalled, already received or unreadable refuses the scan with the
// reason per code (nothing is recorded, the receiver fixes the pallet and scans again). Codes of a
// shipment that were not scanned are recorded as missing; scanning them later adds to the lot.
Result<std::vector<Event>> decide(const TenantState& state, const ReceiveGoods& c,
                                              const Context& ctx) {
  if (c.codes.empty()) return invalid("codes_required", "scan at least one trace code", "codes");
  if (c.codes.size() > kMaxCodesPerShipment) {
    return invalid("too_many_codes",
                   "a receipt names at most " + std::to_string(kMaxCodesPerShipment) +
                       " codes; split the scan",
                   "codes");
  }
  auto received_on = receipt_date(c.received_on, ctx);
  if (!received_on.ok()) return received_on.error();
  if (Status s = check_price(c.price_fen); !s.ok()) return s.error();
  if (c.note.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "note exceeds " + std::to_string(kMaxNoteBytes) + " bytes", "note");
  }
  std::vector<RefusedCode> refused;
  std::vector<std::string> group_order;  // inbound keys in first-scanned order
  std::map<std::string, std::vector<std::string>, std::less<>> groups;
  std::set<std::string, std::less<>> seen;
  std::map<std::string, bool, std::less<>> recalled;  // inbound key -> recalled upstream
  for (const std::string& scanned : c.codes) {
    auto parsed = parse_digital_link(scanned);
    if (!parsed.ok() || parsed->serial.empty()) {
      refused.push_back({scanned, "code_syntax"});
      continue;
    }
    if (!seen.insert(parsed->serial).second) {
      refused.push_back({scanned, "code_duplicate_in_scan"});
      continue;
    }
    if (std::string reason = refusal(state, *parsed, ctx, recalled); !reason.empty()) {
      refused.push_back({scanned, reason});
      continue;
    }
    const std::string key = *state.circulation.inbound_codes.find(parsed->serial);
    auto& serials = groups[key];
    if (serials.empty()) group_order.push_back(key);
    serials.push_back(parsed->serial);
  }
  if (!refused.empty()) return codes_refused(refused, c.codes.size(), "be received");
  if (c.price_fen && group_order.size() > 1) {
    return invalid("price_ambiguous",
                   "the codes belong to " + std::to_string(group_order.size()) +
                       " shipments; give a price per shipment by scanning them separately",
                   "price_fen");
  }

  Events events;
  int64_t last_receipt = state.circulation.last_receipt;
  int64_t last_lot = state.counters.lot;
  int64_t last_entry = state.circulation.last_finance_entry;
  for (const std::string& key : group_order) {
    const InboundShipment& in = state.circulation.inbound.find(key)->second;
    const std::vector<std::string>& serials = groups[key];
    GoodsReceived r;
    r.receipt_id = next_id("rcv-", last_receipt++);
    r.lot_id = in.lot_id.empty() ? next_id("lot-", last_lot++) : in.lot_id;
    r.source = ReceiptSource::kScan;
    r.received_on = *received_on;
    r.from_tenant = in.from_tenant;
    r.shipment_id = in.shipment_id;
    r.from_item_id = in.from_item_id;
    r.origin_tenant = in.origin_tenant;
    r.origin_batch_id = in.origin_batch_id;
    r.mo_id = in.mo_id;
    r.product = in.product;
    r.lot_code = in.lot_code;
    if (auto from = ctx.facts != nullptr ? ctx.facts->enterprise(in.from_tenant) : std::nullopt) {
      r.from_name = from->name;
    }
    r.supplier_name = r.from_name;
    if (auto cp = state.counterparty_by_uscc.find(in.from_tenant); cp != state.counterparty_by_uscc.end()) {
      r.supplier_id = cp->second;
    }
    // Production and expiry dates, and the catalogue product, are the producer batch's.
    if (auto b = ctx.facts != nullptr
                     ? ctx.facts->producer_batch(in.origin_tenant, in.origin_batch_id)
                     : std::nullopt) {
      r.production_date = b->production_date;
      r.expiry_date = b->expiry_date;
      r.product_id = b->product_id;
    }
    r.quantity_per_code = in.per_code.amount;
    int64_t amount = 0;
    if (__builtin_mul_overflow(in.per_code.amount, static_cast<int64_t>(serials.size()), &amount)) {
      return invalid("quantity_overflow", "the receipt's quantity overflows", "codes");
    }
    r.quantity = Quantity{amount, in.per_code.unit};
    r.serials = serials;
    const std::set<std::string, std::less<>> scanned(serials.begin(), serials.end());
    const std::string shipped = state.circulation.inbound_serials.find(key).value_or("");
    for (size_t at = 0, end = 0; at < shipped.size(); at = end + 1) {
      end = shipped.find('\n', at);
      if (end == std::string::npos) end = shipped.size();
      const std::string s = shipped.substr(at, end - at);
      if (s.empty() || scanned.count(s) != 0) continue;
      if (auto before = state.circulation.received_codes.find(s); before && *before == key)
        continue;
      r.missing_serials.push_back(s);
    }
    r.price_fen = c.price_fen;
    if (!r.price_fen && !in.mo_id.empty()) {
      // The accepted market order's price, in proportion to what arrived.
      auto mo = state.circulation.market_orders.find(in.mo_id);
      if (mo != state.circulation.market_orders.end() && mo->second.price_fen &&
          mo->second.quantity.amount > 0 && mo->second.quantity.unit == r.quantity.unit) {
        r.price_fen = static_cast<int64_t>(static_cast<__int128>(*mo->second.price_fen) *
                                           r.quantity.amount / mo->second.quantity.amount);
      }
    }
    r.note = c.note;
    auto expense = purchase_expense(r, last_entry);
    if (expense) ++last_entry;
    events.push_back(std::move(r));
    if (expense) events.push_back(std::move(*expense));
  }
  return events;
}

// Goods without codes: the supplier (a counterparty with the supplier role) and what arrived.
Result<std::vector<Event>> decide(const TenantState& state, const ReceiveGoodsManually& c,
                                              const Context& ctx) {
  auto cp = state.counterparties.find(c.supplier_id);
  if (cp == state.counterparties.end()) {
    return not_found("supplier_not_found", "no counterparty " + c.supplier_id, "supplier_id");
  }
  if (!cp->second.roles.supplier) {
    return invalid("counterparty_not_supplier",
                   "counterparty " + c.supplier_id + " does not have the supplier role", "supplier_id");
  }
  GoodsReceived r;
  r.product = c.product;
  if (!c.product_id.empty()) {
    const auto product =
        ctx.facts != nullptr ? ctx.facts->catalogue_product(c.product_id) : std::nullopt;
    if (!product) {
      return not_found("product_not_found", "no catalogue product " + c.product_id, "product_id");
    }
    if (is_blank(r.product)) r.product = product->name;
    r.product_id = c.product_id;
  }
  if (is_blank(r.product)) return invalid("value_required", "product is required", "product");
  if (r.product.size() > kMaxNameBytes) {
    return invalid("value_too_long", "product exceeds " + std::to_string(kMaxNameBytes) + " bytes", "product");
  }
  if (c.lot_code.size() > 64) return invalid("value_too_long", "lot_code exceeds 64 bytes", "lot_code");
  // A supplier's lot code is free text, but it ends up in paths, links, CSV lines and labels:
  // no control characters (CR, LF, NUL, ...) and no '/'.
  for (char ch : c.lot_code) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F || ch == '/') {
      return invalid("lot_code_invalid", "lot_code must not contain control characters or '/'", "lot_code");
    }
  }
  if (c.quantity.amount <= 0) {
    return invalid("quantity_not_positive", "the quantity must be positive", "quantity.amount");
  }
  auto received_on = receipt_date(c.received_on, ctx);
  if (!received_on.ok()) return received_on.error();
  if (c.production_date > *received_on) {
    return invalid("production_after_receipt", "the production date is after the receipt date",
                   "production_date");
  }
  if (c.expiry_date && *c.expiry_date < c.production_date) {
    return invalid("expiry_before_production", "the expiry date is before the production date",
                   "expiry_date");
  }
  if (Status s = check_price(c.price_fen); !s.ok()) return s.error();
  if (c.note.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "note exceeds " + std::to_string(kMaxNoteBytes) + " bytes", "note");
  }
  r.receipt_id = next_id("rcv-", state.circulation.last_receipt);
  r.lot_id = next_id("lot-", state.counters.lot);
  r.source = ReceiptSource::kManual;
  r.received_on = *received_on;
  r.supplier_id = c.supplier_id;
  r.supplier_name = cp->second.name;
  r.lot_code = c.lot_code;
  r.production_date = c.production_date;
  r.expiry_date = c.expiry_date;
  r.quantity = c.quantity;
  r.price_fen = c.price_fen;
  r.note = c.note;
  auto expense = purchase_expense(r, state.circulation.last_finance_entry);
  Events events;
  events.push_back(std::move(r));
  if (expense) events.push_back(std::move(*expense));
  return events;
}

}  // namespace agritrace::core
