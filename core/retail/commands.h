// Commands of retail: a sale to a consumer; rules in core/retail/rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"

namespace agritrace::core {

// retail: a sale to a consumer from one stock item, by scanned codes or (goods without
// codes) by quantity. Appends a sales order, its shipment (with the payment voucher) and, with a
// price, the income.
struct RecordRetailSale {
  std::vector<std::string> codes;
  std::string item_id;             // required without codes
  std::optional<Quantity> quantity;  // without codes
  std::string customer_id;         // optional individual counterparty
  std::string payment_voucher;     // electronic payment voucher number, may be empty
  std::optional<int64_t> price_fen;
  std::optional<Date> sold_on;
  std::string note;
};

}  // namespace agritrace::core
