// Commands of sales, shipping and recalls; rules in core/sales/rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"
#include "core/sales/events.h"

namespace agritrace::core {

// Optional fields: an empty product and absent dates take the batch's values.
struct CreateSalesOrder {
  std::string customer_id;
  std::string batch_id;
  std::string product;
  Quantity quantity;
  std::optional<Date> production_date;
  std::optional<Date> expiry_date;
  std::optional<int64_t> price_fen;
  std::string note;
};

struct AmendSalesOrder {
  std::string so_id;
  CreateSalesOrder values;
};

struct CancelSalesOrder {
  std::string so_id;
  std::string reason;
};

// The scanned codes as read (full Digital Link URIs or their paths). Whether the customer is an
// enterprise registered here is asked of the writer (Context::facts, CrossTenantFacts::enterprise);
// `customer_tenant_hint` (the customer's USCC) says so where there are none (rule tests).
struct ShipSalesOrder {
  std::string so_id;
  std::vector<std::string> codes;
  std::optional<Date> ship_date;  // absent: today
  std::string customer_tenant_hint;
  std::optional<Quantity> quantity = {};  // goods without codes (a lot received by hand)
};

struct RaiseRecall {
  RecallScope scope = RecallScope::kBatch;
  std::string target;  // lot id, batch id, or a code (URI, path or serial)
  std::string reason;
};

// A shipment names at most this many codes: keeps each event far below the ledger's 1 MB
// message limit (a serial is at most 20 characters).
inline constexpr size_t kMaxCodesPerShipment = 5000;

}  // namespace agritrace::core
