// Write-model state of sales and recalls.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/quantity.h"
#include "core/codes/code_table.h"
#include "core/sales/events.h"

namespace agritrace::core {

struct SalesOrderState {
  std::string customer_id;
  std::string batch_id;  // the stock item: an own batch or a lot
  std::string product;
  Quantity quantity;
  Quantity shipped;
  SalesOrderStatus status = SalesOrderStatus::kOpen;
  std::optional<int64_t> price_fen;
  int64_t invoiced_fen = 0;  // sum of the shipments' price shares so far
};

// retail without a customer record: the sale's customer id and the lineage holder.
inline constexpr std::string_view kAnonymousConsumer = "consumer";

struct SalesState {
  std::map<std::string, SalesOrderState, std::less<>> orders;
  SerialMap shipped_codes{'S'};  // serial -> shipment id (on disk in the writer)
  std::map<std::string, int64_t, std::less<>> batch_shipped;      // batch id -> amount shipped
  std::map<std::string, std::vector<std::string>, std::less<>> lot_batches;  // lot -> batches
  std::map<std::string, std::vector<std::string>, std::less<>> batch_lots;   // batch -> lots
  std::map<std::string, std::vector<std::string>, std::less<>> recalled;  // batch -> recall ids
  std::map<std::string, std::string, std::less<>> recalled_lots;   // lot id -> first recall id
  SerialMap recalled_codes{'R'};  // serial -> first recall id (on disk in the writer)
  int64_t last_order = 0;
  int64_t last_shipment = 0;
  int64_t last_recall = 0;
};

}  // namespace agritrace::core
