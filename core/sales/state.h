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
#include "core/codes/stored_map.h"
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
  // The per-entity maps are on disk in the writer (StoredMap, core/codes/stored_map.h).
  StoredMap<SalesOrderState> orders{'o'};
  SerialMap shipped_codes{'S'};  // serial -> shipment id (on disk in the writer)
  StoredMap<int64_t> batch_shipped{'h'};  // batch id -> amount shipped
  StoredMap<std::vector<std::string>> lot_batches{'x'};  // lot -> batches
  StoredMap<std::vector<std::string>> batch_lots{'y'};   // batch -> lots
  StoredMap<std::vector<std::string>> recalled{'r'};  // batch -> recall ids
  StoredMap<std::string> recalled_lots{'q'};  // lot id -> first recall id
  SerialMap recalled_codes{'R'};  // serial -> first recall id (on disk in the writer)
  int64_t last_order = 0;
  int64_t last_shipment = 0;
  int64_t last_recall = 0;
};

void store_encode(std::string& out, const SalesOrderState& v);  // core/domain/stored_entities.cpp
void store_decode(stored::In& in, SalesOrderState& v);

}  // namespace agritrace::core
