// The production-end commands. Values arrive already parsed into
// typed form (Quantity, Date, enums) by the API layer; business rules are checked by decide().
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"
#include "core/production/customs.h"
#include "core/production/types.h"

namespace agritrace::core {

struct RegisterCounterparty {
  CounterpartyRecord record;
};

struct AmendCounterparty {
  std::string counterparty_id;
  CounterpartyRecord record;  // the full new record
};

// Issue 16: personal-information deletion on request (crypto-shredding of the subject's key).
struct ErasePersonalData {
  std::string counterparty_id;
  std::string reason;
};

struct CreatePurchaseOrder {
  std::string material;
  std::string supplier_id;
  Quantity quantity;
  std::string supplier_lot;
  Date production_date;
  Date expiry_date;
  std::string note;
  std::optional<int64_t> price_fen = {};  // total agreed, in fen
  CustomsInfo customs = {};               // issue 12: imported goods (optional)
};

struct AmendPurchaseOrder {
  std::string po_id;
  std::string material;
  Quantity quantity;
  std::string supplier_lot;
  Date production_date;
  Date expiry_date;
  std::string note;
  std::optional<int64_t> price_fen = {};
};

struct CancelPurchaseOrder {
  std::string po_id;
  std::string reason;
};

struct ReceivePurchaseOrder {
  std::string po_id;
  Quantity quantity;
  Date received_on;
  CustomsInfo customs = {};  // issue 12: as declared at this receipt; empty: the order's
};

struct CreateBatch {
  std::string product;
  std::string lot_code;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::string note;
  std::string product_id = {};  // optional catalogue product (one of the main varieties)
};

struct AmendBatch {
  std::string batch_id;
  std::string product;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::string note;
};

struct ConsumeMaterial {
  std::string batch_id;
  std::string lot_id;
  Quantity quantity;
};

struct AttachDocument {
  std::string batch_id;
  std::string document_sha256;
  DocumentKind kind = DocumentKind::kOther;
  std::string filename;
  std::string media_type;
  int64_t size_bytes = 0;
};

}  // namespace agritrace::core
