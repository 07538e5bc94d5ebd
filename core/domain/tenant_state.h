// What the business rules of one tenant need to know, rebuilt by folding its events with
// evolve(). Not a read model: only the facts decide() checks (existence, status, remaining
// quantities, uniqueness indexes, id counters).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/market/model.h"
#include "core/base/civil_time.h"
#include "core/production/types.h"
#include "core/base/quantity.h"
#include "core/sales/model.h"
#include "core/codes/codes.h"

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

// Last number used for each id prefix ("cp-", "po-", "lot-", "b-"); ids are deterministic.
struct IdCounters {
  int64_t counterparty = 0;
  int64_t purchase_order = 0;
  int64_t lot = 0;
  int64_t batch = 0;
};

struct TenantState {
  bool registered = false;
  std::string enterprise_id;
  std::string name;
  std::string region;
  // Ordered maps with transparent comparators: string_view lookups, deterministic iteration.
  std::map<std::string, CounterpartyRecord, std::less<>> counterparties;
  std::map<std::string, std::string, std::less<>> counterparty_by_uscc;       // uscc -> id
  std::map<std::string, std::string, std::less<>> counterparty_by_id_number;  // id number -> id
  std::map<std::string, PurchaseOrderState, std::less<>> purchase_orders;
  std::map<std::string, MaterialLotState, std::less<>> lots;
  std::map<std::string, BatchState, std::less<>> batches;
  std::map<std::string, std::string, std::less<>> batch_by_lot_code;  // lot code -> batch id
  IdCounters counters;
  SalesState sales;  // R-4.2.3 / R-4.2.4 (core/sales/model.h)
  // R-4.2.7 (tenant "platform" only): the shared base catalogue, product_id -> product.
  std::map<std::string, CatalogueProduct, std::less<>> catalogue;
  std::set<std::string, std::less<>> main_varieties;  // catalogue product ids
  std::map<std::string, CodeTemplateState, std::less<>> code_templates;
  std::map<std::string, PublicationState, std::less<>> publications;     // by product_id
  CodeCounters code_counters;
  std::map<std::string, TraceCodeState, std::less<>> codes;    // key: the serial (AI 21)
  std::map<std::string, CodeRunState, std::less<>> code_runs;  // run_id -> run
  CirculationState circulation;  // .x (core/market/model.h)
};

}  // namespace agritrace::core
