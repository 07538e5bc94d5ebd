// The rules of the production end (core/production/rules.h): counterparties, purchase
// orders, batches and their documents.
#include "core/production/rules.h"

#include <string_view>

#include "core/base/identifiers.h"
#include "core/base/pii.h"
#include "core/base/rule_errors.h"
#include "core/codes/rules.h"
#include "core/domain/decide.h"
#include "core/sales/rules.h"

namespace agritrace::core {
namespace {

using Events = std::vector<Event>;



Status must_be_empty(std::string_view value, std::string_view field, std::string_view kind) {
  if (!value.empty()) {
    return invalid("field_not_applicable",
                   std::string(field) + " does not apply to an " + std::string(kind) +
                       " counterparty",
                   std::string(field));
  }
  return Status::Ok();
}

// The API parses amounts into Quantity, but decide does not trust that they are positive.
Status valid_price(const std::optional<int64_t>& price_fen) {
  if (price_fen && *price_fen < 0) {
    return invalid("price_negative", "the price in fen must not be negative", "price_fen");
  }
  return Status::Ok();
}

Status positive_quantity(Quantity q, std::string_view field) {
  if (q.amount <= 0) {
    return invalid("quantity_not_positive", "the quantity must be positive",
                   std::string(field) + ".amount");
  }
  return Status::Ok();
}

Status expiry_not_before_production(Date production, std::optional<Date> expiry) {
  if (expiry && *expiry < production) {
    return invalid("expiry_before_production",
                   "expiry date " + format_date(*expiry) + " is before production date " +
                       format_date(production),
                   "expiry_date");
  }
  return Status::Ok();
}

// GS1 AI (10) allows up to 20 characters of GS1 character set 82; we keep the URI-safe subset
// [A-Za-z0-9._-] so lot codes need no percent-encoding in a GS1 Digital Link and print on any
// coder.
Status valid_lot_code(std::string_view code) {
  bool ok = !code.empty() && code.size() <= kMaxLotCodeChars;
  for (char c : code) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return invalid("lot_code_invalid",
                   "a lot code has 1 to 20 characters from A-Z a-z 0-9 . _ -", "lot_code");
  }
  return Status::Ok();
}

// checks a counterparty record and returns it normalised. `self_id` is the counterparty
// being amended (empty when registering), so it does not collide with itself.
Result<CounterpartyRecord> check_counterparty(const TenantState& state, CounterpartyRecord record,
                                              std::string_view self_id, const Context& ctx) {
  if (record.roles.empty()) {
    return invalid("counterparty_roles_empty", "a counterparty is a supplier, a customer or both",
                   "roles");
  }
  AGRITRACE_RETURN_IF_ERROR(required_text(record.name, "name", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(validate_phone(record.phone, "phone"));
  AGRITRACE_RETURN_IF_ERROR(optional_text(record.address, "address", kMaxTextBytes));
  AGRITRACE_RETURN_IF_ERROR(optional_text(record.region, "region", kMaxTextBytes));
  if (record.kind == CounterpartyKind::kEnterprise) {
    AGRITRACE_RETURN_IF_ERROR(validate_uscc(record.uscc, "uscc"));
    AGRITRACE_RETURN_IF_ERROR(required_text(record.contact_person, "contact_person", kMaxNameBytes));
    AGRITRACE_RETURN_IF_ERROR(
        optional_text(record.legal_representative, "legal_representative", kMaxNameBytes));
    AGRITRACE_RETURN_IF_ERROR(must_be_empty(record.id_number, "id_number", "enterprise"));
    if (auto it = state.counterparty_by_uscc.find(record.uscc);
        it != state.counterparty_by_uscc.end() && it->second != self_id) {
      return conflict("counterparty_duplicate",
                      "counterparty " + it->second + " already has this USCC", "uscc");
    }
  } else {
    auto id_number = normalize_resident_id(record.id_number, "id_number", ctx.today);
    if (!id_number.ok()) return id_number.error();
    record.id_number = std::move(id_number).value();
    AGRITRACE_RETURN_IF_ERROR(must_be_empty(record.uscc, "uscc", "individual"));
    AGRITRACE_RETURN_IF_ERROR(
        must_be_empty(record.legal_representative, "legal_representative", "individual"));
    AGRITRACE_RETURN_IF_ERROR(must_be_empty(record.contact_person, "contact_person", "individual"));
    if (auto it = state.counterparty_by_id_number.find(record.id_number);
        it != state.counterparty_by_id_number.end() && it->second != self_id) {
      // The message names the other counterparty but never echoes the ID number.
      return conflict("counterparty_duplicate",
                      "counterparty " + it->second + " already has this ID number", "id_number");
    }
  }
  return record;
}

// the fields a PO's creation and amendment share.
Status check_po_fields(std::string_view material, Quantity quantity, std::string_view supplier_lot,
                       Date production, Date expiry, std::string_view note) {
  AGRITRACE_RETURN_IF_ERROR(required_text(material, "material", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(positive_quantity(quantity, "quantity"));
  AGRITRACE_RETURN_IF_ERROR(optional_text(supplier_lot, "supplier_lot", kMaxTextBytes));
  AGRITRACE_RETURN_IF_ERROR(expiry_not_before_production(production, expiry));
  return optional_text(note, "note", kMaxNoteBytes);
}

// the fields a batch's creation and amendment share.
Status check_batch_fields(std::string_view product, Quantity quantity, Date production,
                          std::optional<Date> expiry, std::string_view note) {
  AGRITRACE_RETURN_IF_ERROR(required_text(product, "product", kMaxNameBytes));
  AGRITRACE_RETURN_IF_ERROR(positive_quantity(quantity, "quantity"));
  AGRITRACE_RETURN_IF_ERROR(expiry_not_before_production(production, expiry));
  return optional_text(note, "note", kMaxNoteBytes);
}

Result<const PurchaseOrderState*> find_po(const TenantState& state, std::string_view po_id) {
  auto it = state.purchase_orders.find(po_id);
  if (it == state.purchase_orders.end()) {
    return not_found("purchase_order_not_found", "no purchase order " + std::string(po_id),
                     "po_id");
  }
  return &it->second;
}

Result<const PurchaseOrderState*> find_open_po(const TenantState& state, std::string_view po_id) {
  auto po = find_po(state, po_id);
  if (!po.ok()) return po;
  if ((*po)->status != PurchaseOrderStatus::kOpen) {
    const char* status = (*po)->status == PurchaseOrderStatus::kCancelled ? "cancelled" : "received";
    return conflict("purchase_order_not_open",
                    "purchase order " + std::string(po_id) + " is " + status, "po_id");
  }
  return po;
}

Result<const BatchState*> find_batch(const TenantState& state, std::string_view batch_id) {
  auto it = state.batches.find(batch_id);
  if (it == state.batches.end()) {
    return not_found("batch_not_found", "no batch " + std::string(batch_id), "batch_id");
  }
  return &it->second;
}

Result<Events> one(Event e) {
  Events events;
  events.push_back(std::move(e));
  return events;
}

}  // namespace

// --- one function per command -------------------------------------------------------------

Result<Events> decide(const TenantState& state,
                                            const RegisterCounterparty& c, const Context& ctx) {
  auto record = check_counterparty(state, c.record, {}, ctx);
  if (!record.ok()) return record.error();
  return one(CounterpartyRegistered{next_id("cp-", state.counters.counterparty),
                                    std::move(record).value()});
}

Result<Events> decide(const TenantState& state, const AmendCounterparty& c,
                                         const Context& ctx) {
  auto it = state.counterparties.find(c.counterparty_id);
  if (it == state.counterparties.end()) {
    return not_found("counterparty_not_found", "no counterparty " + c.counterparty_id,
                     "counterparty_id");
  }
  if (it->second.kind != c.record.kind) {
    return invalid("counterparty_kind_immutable",
                   "a counterparty's kind (enterprise or individual) cannot change", "kind");
  }
  auto record = check_counterparty(state, c.record, c.counterparty_id, ctx);
  if (!record.ok()) return record.error();
  return one(CounterpartyAmended{c.counterparty_id, std::move(record).value()});
}

Result<Events> decide(const TenantState& state, const ErasePersonalData& c, const Context&) {
  auto it = state.counterparties.find(c.counterparty_id);
  if (it == state.counterparties.end()) {
    return not_found("counterparty_not_found", "no counterparty " + c.counterparty_id,
                     "counterparty_id");
  }
  if (it->second.phone == kPiiErased) {
    return conflict("personal_data_already_erased",
                    "the personal data of counterparty " + c.counterparty_id + " is already erased",
                    "counterparty_id");
  }
  if (c.reason.size() > kMaxNoteBytes) {
    return invalid("value_too_long", "reason exceeds " + std::to_string(kMaxNoteBytes) + " bytes", "reason");
  }
  return one(CounterpartyPersonalDataErased{c.counterparty_id, c.reason});
}

Result<Events> decide(const TenantState& state, const CreatePurchaseOrder& c,
                                const Context&) {
  auto supplier = state.counterparties.find(c.supplier_id);
  if (supplier == state.counterparties.end()) {
    return not_found("supplier_not_found", "no counterparty " + c.supplier_id, "supplier_id");
  }
  if (!supplier->second.roles.supplier) {
    return invalid("counterparty_not_supplier",
                   "counterparty " + c.supplier_id + " does not have the supplier role",
                   "supplier_id");
  }
  AGRITRACE_RETURN_IF_ERROR(check_po_fields(c.material, c.quantity, c.supplier_lot,
                                            c.production_date, c.expiry_date, c.note));
  AGRITRACE_RETURN_IF_ERROR(valid_price(c.price_fen));
  AGRITRACE_RETURN_IF_ERROR(validate_customs(c.customs, "customs"));
  return one(PurchaseOrderCreated{next_id("po-", state.counters.purchase_order), c.material,
                                  c.supplier_id, c.quantity, c.supplier_lot, c.production_date,
                                  c.expiry_date, c.note, c.price_fen, c.customs.declaration_number,
                                  c.customs.origin_country, c.customs.port_of_entry,
                                  c.customs.ciq_certificate_number});
}

Result<Events> decide(const TenantState& state, const AmendPurchaseOrder& c,
                               const Context&) {
  auto po = find_open_po(state, c.po_id);
  if (!po.ok()) return po.error();
  AGRITRACE_RETURN_IF_ERROR(check_po_fields(c.material, c.quantity, c.supplier_lot,
                                            c.production_date, c.expiry_date, c.note));
  AGRITRACE_RETURN_IF_ERROR(valid_price(c.price_fen));
  return one(PurchaseOrderAmended{c.po_id, c.material, c.quantity, c.supplier_lot,
                                  c.production_date, c.expiry_date, c.note, c.price_fen});
}

Result<Events> decide(const TenantState& state, const CancelPurchaseOrder& c,
                                const Context&) {
  auto po = find_open_po(state, c.po_id);
  if (!po.ok()) return po.error();
  AGRITRACE_RETURN_IF_ERROR(optional_text(c.reason, "reason", kMaxNoteBytes));
  return one(PurchaseOrderCancelled{c.po_id, c.reason});
}

// One receipt per PO: the quantity that arrived may be less than ordered (short delivery) but
// never more, and the PO is then closed; a later delivery is a new PO.
Result<Events> decide(const TenantState& state, const ReceivePurchaseOrder& c,
                                 const Context& ctx) {
  auto found = find_open_po(state, c.po_id);
  if (!found.ok()) return found.error();
  const PurchaseOrderState& po = **found;
  AGRITRACE_RETURN_IF_ERROR(positive_quantity(c.quantity, "quantity"));
  if (c.quantity.unit != po.quantity.unit) {
    return invalid("unit_mismatch",
                   "the order is in " + std::string(unit_name(po.quantity.unit)) +
                       ", the receipt in " + std::string(unit_name(c.quantity.unit)),
                   "quantity.unit");
  }
  if (c.quantity.amount > po.quantity.amount) {
    return conflict("receipt_exceeds_order",
                    "received " + to_string(c.quantity) + " but ordered " +
                        to_string(po.quantity) + "; amend the order first",
                    "quantity.amount");
  }
  if (c.received_on > ctx.today) {
    return invalid("received_on_in_future", "the receipt date is after today", "received_on");
  }
  // purchases post automatically, the order's price in proportion to what arrived.
  std::optional<int64_t> price;
  if (po.price_fen && po.quantity.amount > 0) {
    price = static_cast<int64_t>(static_cast<__int128>(*po.price_fen) * c.quantity.amount /
                                 po.quantity.amount);
  }
  Events events;
  AGRITRACE_RETURN_IF_ERROR(validate_customs(c.customs, "customs"));
  const CustomsInfo& customs = c.customs.empty() ? po.customs : c.customs;
  events.push_back(PurchaseOrderReceived{c.po_id, next_id("lot-", state.counters.lot), c.quantity,
                                         c.received_on, po.material, po.supplier_id,
                                         po.supplier_lot, po.production_date, po.expiry_date, price,
                                         customs.declaration_number, customs.origin_country,
                                         customs.port_of_entry, customs.ciq_certificate_number});
  if (price && *price > 0) {
    FinanceEntryRecorded f;
    f.entry_id = next_id("fe-", state.circulation.last_finance_entry);
    f.direction = FinanceDirection::kExpense;
    f.amount_fen = *price;
    f.category = std::string(kPurchasesCategory);
    f.counterparty_id = po.supplier_id;
    if (auto cp = state.counterparties.find(po.supplier_id); cp != state.counterparties.end()) {
      f.counterparty_name = cp->second.name;
    }
    f.document = "purchase_order:" + c.po_id;
    f.date = c.received_on;
    f.automatic = true;
    events.push_back(std::move(f));
  }
  return events;
}

Result<Events> decide(const TenantState& state, const CreateBatch& c,
                                   const Context& ctx) {
  AGRITRACE_RETURN_IF_ERROR(valid_lot_code(c.lot_code));
  if (auto it = state.batch_by_lot_code.find(c.lot_code); it != state.batch_by_lot_code.end()) {
    return conflict("lot_code_duplicate", "batch " + it->second + " already has lot code " +
                                              c.lot_code, "lot_code");
  }
  std::string product = c.product;
  if (!c.product_id.empty()) {
    // a catalogue product, one of the enterprise's main varieties; it names the product
    // when no free text is given.
    AGRITRACE_RETURN_IF_ERROR(check_batch_product_id(state, c.product_id, ctx));
    if (is_blank(product)) product = find_catalogue_product(ctx, c.product_id)->name;
  }
  AGRITRACE_RETURN_IF_ERROR(
      check_batch_fields(product, c.quantity, c.production_date, c.expiry_date, c.note));
  return one(BatchCreated{next_id("b-", state.counters.batch), product, c.lot_code, c.quantity,
                          c.production_date, c.expiry_date, c.note, c.product_id});
}

Result<Events> decide(const TenantState& state, const AmendBatch& c, const Context&) {
  auto batch = find_batch(state, c.batch_id);
  if (!batch.ok()) return batch.error();
  AGRITRACE_RETURN_IF_ERROR(
      check_batch_fields(c.product, c.quantity, c.production_date, c.expiry_date, c.note));
  // stock never goes negative. What left the batch (shipped) and what stocktakes
  // adjusted stay; the new quantity must still cover them, in the same unit.
  auto item = find_stock_item(state, c.batch_id, "batch_id");
  if (!item.ok()) return item.error();
  const int64_t moved = (*batch)->quantity.amount - item->stock.amount;  // shipped - adjusted
  const bool has_moved = state.sales.batch_shipped.count(c.batch_id) != 0 ||
                         state.circulation.adjusted.count(c.batch_id) != 0;
  if (c.quantity.unit != (*batch)->quantity.unit && has_moved) {
    return conflict("unit_change_after_movement",
                    "batch " + c.batch_id + " has shipped or adjusted stock in " +
                        std::string(unit_name((*batch)->quantity.unit)) + "; its unit cannot change",
                    "quantity.unit");
  }
  if (c.quantity.amount < moved) {
    return conflict("stock_would_be_negative",
                    "batch " + c.batch_id + " has " + to_string(item->stock) + " in stock; " +
                        to_string(c.quantity) + " would leave less than nothing after what was shipped",
                    "quantity.amount");
  }
  return one(BatchAmended{c.batch_id, c.product, c.quantity, c.production_date, c.expiry_date,
                          c.note});
}

// link a batch to the material it consumed, never more than the lot holds.
Result<Events> decide(const TenantState& state, const ConsumeMaterial& c,
                              const Context& ctx) {
  auto batch = find_batch(state, c.batch_id);
  if (!batch.ok()) return batch.error();
  auto it = state.lots.find(c.lot_id);
  if (it == state.lots.end()) {
    return not_found("lot_not_found", "no material lot " + c.lot_id, "lot_id");
  }
  const MaterialLotState& lot = it->second;
  AGRITRACE_RETURN_IF_ERROR(positive_quantity(c.quantity, "quantity"));
  // Purchased lots always carry an expiry date; received goods only when their batch had one.
  const std::optional<Date> expiry = lot.po_id.empty() ? lot.expiry : std::optional<Date>(lot.expiry_date);
  if (expiry && *expiry < ctx.today) {
    return conflict("lot_expired", "material lot " + c.lot_id + " expired on " + format_date(*expiry),
                    "lot_id");
  }
  if (c.quantity.unit != lot.received.unit) {
    return invalid("unit_mismatch",
                   "material lot " + c.lot_id + " is counted in " +
                       std::string(unit_name(lot.received.unit)),
                   "quantity.unit");
  }
  // What is on hand: received - consumed - shipped + stocktake adjustments.
  auto item = find_stock_item(state, c.lot_id, "lot_id");
  if (!item.ok()) return item.error();
  if (c.quantity.amount > item->stock.amount) {
    return conflict("lot_over_consumed",
                    "material lot " + c.lot_id + " has " + to_string(item->stock) +
                        " remaining, cannot consume " + to_string(c.quantity),
                    "quantity.amount");
  }
  return one(BatchMaterialConsumed{c.batch_id, c.lot_id, c.quantity});
}

namespace {

bool valid_filename(std::string_view name) {
  if (is_blank(name) || name.size() > kMaxFilenameBytes || name == "." || name == "..") {
    return false;
  }
  for (char c : name) {
    // No path separators or control characters: the name is shown and used in downloads.
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// RFC 6838 "type/subtype", restricted-name characters only; no parameters.
bool valid_media_type(std::string_view media_type) {
  const size_t slash = media_type.find('/');
  if (media_type.size() > 127 || slash == std::string_view::npos || slash == 0 ||
      slash + 1 == media_type.size()) {
    return false;
  }
  for (size_t i = 0; i < media_type.size(); ++i) {
    const char c = media_type[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '!' || c == '#' || c == '$' || c == '&' || c == '-' || c == '^' ||
                    c == '_' || c == '.' || c == '+' || (c == '/' && i == slash);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// inspection reports and production records.
Result<Events> decide(const TenantState& state, const AttachDocument& c, const Context&) {
  auto batch = find_batch(state, c.batch_id);
  if (!batch.ok()) return batch.error();
  if (!is_sha256_hex(c.document_sha256)) {
    return invalid("sha256_invalid", "expected 64 lowercase hex characters", "document_sha256");
  }
  if (c.kind != DocumentKind::kInspectionReport && c.kind != DocumentKind::kProductionRecord &&
      c.kind != DocumentKind::kOther) {
    return invalid("document_kind_unknown", "unknown document kind", "kind");
  }
  if (!valid_filename(c.filename)) {
    return invalid("filename_invalid",
                   "a file name has 1 to 255 bytes, no path separators or control characters",
                   "filename");
  }
  if (!valid_media_type(c.media_type)) {
    return invalid("media_type_invalid", "expected a media type such as application/pdf",
                   "media_type");
  }
  if (c.size_bytes <= 0) {
    return invalid("document_size_invalid", "the document size must be positive", "size_bytes");
  }
  if ((*batch)->document_sha256s.count(c.document_sha256) != 0) {
    return conflict("document_already_attached",
                    "this document is already attached to batch " + c.batch_id,
                    "document_sha256");
  }
  return one(BatchDocumentAttached{c.batch_id, c.document_sha256, c.kind, c.filename,
                                   c.media_type, c.size_bytes});
}

}  // namespace agritrace::core
