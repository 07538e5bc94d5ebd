// Events of the production end: counterparties, purchase orders, batches
// and their documents. Events are facts: evolve() applies them, never re-validates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/quantity.h"
#include "core/production/types.h"

namespace agritrace::core {

//
struct CounterpartyRegistered {
  static constexpr std::string_view kType = "counterparty.registered";
  std::string counterparty_id;  // "cp-N"
  CounterpartyRecord record;
  bool operator==(const CounterpartyRegistered&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("counterparty_id", &CounterpartyRegistered::counterparty_id),
      describe::field("record", &CounterpartyRegistered::record, describe::kInline));
};

// the full new record (kind never changes).
struct CounterpartyAmended {
  static constexpr std::string_view kType = "counterparty.amended";
  std::string counterparty_id;
  CounterpartyRecord record;
  bool operator==(const CounterpartyAmended&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("counterparty_id", &CounterpartyAmended::counterparty_id),
      describe::field("record", &CounterpartyAmended::record, describe::kInline));
};

// Issue 16: the counterparty's personal data (ID number, phone) was erased on request. Its data
// key is destroyed, so the sealed values of its earlier events can no longer be read; the hash
// chain, which covers those sealed bytes, is untouched.
struct CounterpartyPersonalDataErased {
  static constexpr std::string_view kType = "counterparty.personal_data_erased";
  std::string counterparty_id;
  std::string reason;
  bool operator==(const CounterpartyPersonalDataErased&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("counterparty_id", &CounterpartyPersonalDataErased::counterparty_id),
      describe::field("reason", &CounterpartyPersonalDataErased::reason));
};

//
struct PurchaseOrderCreated {
  static constexpr std::string_view kType = "purchase_order.created";
  std::string po_id;  // "po-N"
  std::string material;
  std::string supplier_id;
  Quantity quantity;
  std::string supplier_lot;  // the supplier's own lot/batch code; may be empty
  Date production_date;
  Date expiry_date;
  std::string note;
  std::optional<int64_t> price_fen = {};  // total agreed, in fen; written only when set
  // Issue 12: customs / import facts (core/production/customs.h), each written only when set.
  std::string customs_declaration_number = {};
  std::string origin_country = {};
  std::string port_of_entry = {};
  std::string ciq_certificate_number = {};
  bool operator==(const PurchaseOrderCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("po_id", &PurchaseOrderCreated::po_id),
      describe::field("material", &PurchaseOrderCreated::material),
      describe::field("supplier_id", &PurchaseOrderCreated::supplier_id),
      describe::field("quantity", &PurchaseOrderCreated::quantity),
      describe::field("supplier_lot", &PurchaseOrderCreated::supplier_lot),
      describe::field("production_date", &PurchaseOrderCreated::production_date),
      describe::field("expiry_date", &PurchaseOrderCreated::expiry_date),
      describe::field("note", &PurchaseOrderCreated::note),
      describe::field("price_fen", &PurchaseOrderCreated::price_fen, describe::kOmitWhenEmpty),
      describe::field("customs_declaration_number",
                      &PurchaseOrderCreated::customs_declaration_number, describe::kOmitWhenEmpty),
      describe::field("origin_country", &PurchaseOrderCreated::origin_country,
                      describe::kOmitWhenEmpty),
      describe::field("port_of_entry", &PurchaseOrderCreated::port_of_entry,
                      describe::kOmitWhenEmpty),
      describe::field("ciq_certificate_number", &PurchaseOrderCreated::ciq_certificate_number,
                      describe::kOmitWhenEmpty));
};

// full new values; the supplier does not change (cancel and re-create instead).
struct PurchaseOrderAmended {
  static constexpr std::string_view kType = "purchase_order.amended";
  std::string po_id;
  std::string material;
  Quantity quantity;
  std::string supplier_lot;
  Date production_date;
  Date expiry_date;
  std::string note;
  std::optional<int64_t> price_fen = {};
  bool operator==(const PurchaseOrderAmended&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("po_id", &PurchaseOrderAmended::po_id),
      describe::field("material", &PurchaseOrderAmended::material),
      describe::field("quantity", &PurchaseOrderAmended::quantity),
      describe::field("supplier_lot", &PurchaseOrderAmended::supplier_lot),
      describe::field("production_date", &PurchaseOrderAmended::production_date),
      describe::field("expiry_date", &PurchaseOrderAmended::expiry_date),
      describe::field("note", &PurchaseOrderAmended::note),
      describe::field("price_fen", &PurchaseOrderAmended::price_fen, describe::kOmitWhenEmpty));
};

struct PurchaseOrderCancelled {
  static constexpr std::string_view kType = "purchase_order.cancelled";
  std::string po_id;
  std::string reason;
  bool operator==(const PurchaseOrderCancelled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("po_id", &PurchaseOrderCancelled::po_id),
      describe::field("reason", &PurchaseOrderCancelled::reason));
};

// goods in. Creates material lot `lot_id`. The PO's material, supplier and
// dates are copied in so that the lot is described by this event alone (read models and recall
// need no join with the PO's history).
struct PurchaseOrderReceived {
  static constexpr std::string_view kType = "purchase_order.received";
  std::string po_id;
  std::string lot_id;  // "lot-N"
  Quantity quantity;   // what actually arrived: <= ordered, same unit
  Date received_on;
  std::string material;
  std::string supplier_id;
  std::string supplier_lot;
  Date production_date;
  Date expiry_date;
  // the order's price in proportion to what arrived; written only when set.
  std::optional<int64_t> price_fen = {};
  // Issue 12: customs / import facts of the goods received (the receipt's, else the order's).
  std::string customs_declaration_number = {};
  std::string origin_country = {};
  std::string port_of_entry = {};
  std::string ciq_certificate_number = {};
  bool operator==(const PurchaseOrderReceived&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("po_id", &PurchaseOrderReceived::po_id),
      describe::field("lot_id", &PurchaseOrderReceived::lot_id),
      describe::field("quantity", &PurchaseOrderReceived::quantity),
      describe::field("received_on", &PurchaseOrderReceived::received_on),
      describe::field("material", &PurchaseOrderReceived::material),
      describe::field("supplier_id", &PurchaseOrderReceived::supplier_id),
      describe::field("supplier_lot", &PurchaseOrderReceived::supplier_lot),
      describe::field("production_date", &PurchaseOrderReceived::production_date),
      describe::field("expiry_date", &PurchaseOrderReceived::expiry_date),
      describe::field("price_fen", &PurchaseOrderReceived::price_fen, describe::kOmitWhenEmpty),
      describe::field("customs_declaration_number",
                      &PurchaseOrderReceived::customs_declaration_number, describe::kOmitWhenEmpty),
      describe::field("origin_country", &PurchaseOrderReceived::origin_country,
                      describe::kOmitWhenEmpty),
      describe::field("port_of_entry", &PurchaseOrderReceived::port_of_entry,
                      describe::kOmitWhenEmpty),
      describe::field("ciq_certificate_number", &PurchaseOrderReceived::ciq_certificate_number,
                      describe::kOmitWhenEmpty));
};

//
struct BatchCreated {
  static constexpr std::string_view kType = "batch.created";
  std::string batch_id;  // "b-N"
  std::string product;
  std::string lot_code;  // printed on the goods, GS1 AI (10); unique per tenant
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::string note;
  std::string product_id = {};  // catalogue product, or empty (free-text product only)
  bool operator==(const BatchCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("batch_id", &BatchCreated::batch_id),
      describe::field("product", &BatchCreated::product),
      describe::field("lot_code", &BatchCreated::lot_code),
      describe::field("quantity", &BatchCreated::quantity),
      describe::field("production_date", &BatchCreated::production_date),
      describe::field("expiry_date", &BatchCreated::expiry_date, describe::kNullWhenAbsent),
      describe::field("note", &BatchCreated::note),
      describe::field("product_id", &BatchCreated::product_id, describe::kOmitWhenEmpty));
};

// full new values; the lot code does not change (it is printed on goods).
struct BatchAmended {
  static constexpr std::string_view kType = "batch.amended";
  std::string batch_id;
  std::string product;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::string note;
  bool operator==(const BatchAmended&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("batch_id", &BatchAmended::batch_id),
      describe::field("product", &BatchAmended::product),
      describe::field("quantity", &BatchAmended::quantity),
      describe::field("production_date", &BatchAmended::production_date),
      describe::field("expiry_date", &BatchAmended::expiry_date, describe::kNullWhenAbsent),
      describe::field("note", &BatchAmended::note));
};

// the batch consumed `quantity` of material lot `lot_id` (EPCIS TransformationEvent input).
struct BatchMaterialConsumed {
  static constexpr std::string_view kType = "batch.material_consumed";
  std::string batch_id;
  std::string lot_id;
  Quantity quantity;
  bool operator==(const BatchMaterialConsumed&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("batch_id", &BatchMaterialConsumed::batch_id),
      describe::field("lot_id", &BatchMaterialConsumed::lot_id),
      describe::field("quantity", &BatchMaterialConsumed::quantity));
};

// an inspection report or production record. The bytes live in a content-addressed
// store; the ledger keeps their SHA-256.
struct BatchDocumentAttached {
  static constexpr std::string_view kType = "batch.document_attached";
  std::string batch_id;
  std::string document_sha256;  // 64 lowercase hex
  DocumentKind kind = DocumentKind::kOther;
  std::string filename;
  std::string media_type;
  int64_t size_bytes = 0;
  bool operator==(const BatchDocumentAttached&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("batch_id", &BatchDocumentAttached::batch_id),
      describe::field("document_sha256", &BatchDocumentAttached::document_sha256),
      describe::field("kind", &BatchDocumentAttached::kind),
      describe::field("filename", &BatchDocumentAttached::filename),
      describe::field("media_type", &BatchDocumentAttached::media_type),
      describe::field("size_bytes", &BatchDocumentAttached::size_bytes));
};

}  // namespace agritrace::core
