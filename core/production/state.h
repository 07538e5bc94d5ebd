// Write-model state of the production end: purchase orders, material lots, batches.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"
#include "core/codes/stored_map.h"
#include "core/production/customs.h"

namespace agritrace::core {

enum class PurchaseOrderStatus : uint8_t { kOpen, kCancelled, kReceived };

struct PurchaseOrderState {
  std::string material;
  std::string supplier_id;
  Quantity quantity;  // ordered
  std::string supplier_lot;
  Date production_date;
  Date expiry_date;
  PurchaseOrderStatus status = PurchaseOrderStatus::kOpen;
  std::string lot_id;  // set once received
  std::optional<int64_t> price_fen = {};
  CustomsInfo customs = {};  // issue 12
};

// A material lot: what one PO receipt brought in.
struct MaterialLotState {
  std::string po_id;
  std::string material;
  std::string supplier_id;
  std::string supplier_lot;
  Date production_date;
  Date expiry_date;
  Date received_on;
  Quantity received;
  int64_t consumed_amount = 0;  // same unit as `received`
  int64_t remaining_amount() const { return received.amount - consumed_amount; }
  // lots from goods received (po_id empty). The stock left is received - consumed -
  // shipped (SalesState::batch_shipped, by item id) + adjusted (CirculationState::adjusted).
  std::string receipt_id;
  std::string lot_code;
  std::string product_id;
  std::optional<Date> expiry;  // expiry_date is kept for PO lots; this one may be absent
  std::string from_tenant;
  std::string from_item_id;
  std::string origin_tenant;
  std::string origin_batch_id;
  int64_t quantity_per_code = 0;
};

struct BatchState {
  std::string product;
  std::string lot_code;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::set<std::string, std::less<>> document_sha256s;
  std::string product_id;  // catalogue product, may be empty
};

// How the writer stores them (StoredMap, core/codes/stored_map.h; core/domain/stored_entities.cpp).
void store_encode(std::string& out, const PurchaseOrderState& v);
void store_decode(stored::In& in, PurchaseOrderState& v);
void store_encode(std::string& out, const MaterialLotState& v);
void store_decode(stored::In& in, MaterialLotState& v);
void store_encode(std::string& out, const BatchState& v);
void store_decode(stored::In& in, BatchState& v);

}  // namespace agritrace::core
