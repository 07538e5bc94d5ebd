// Events of receiving: goods in by scan or by hand. Goods an enterprise receives
// become a material lot ("lot-N") of that enterprise, exactly like a production-end purchase
// receipt: a lot can be consumed by a production batch, sold by a sales order, counted in a
// stocktake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"
#include "core/base/status.h"

namespace agritrace::core {

enum class ReceiptSource : uint8_t { kScan, kManual };
std::string_view receipt_source_name(ReceiptSource source);  // "scan" | "manual"
Result<ReceiptSource> parse_receipt_source(std::string_view name, std::string_view field);

// goods in. Creates lot `lot_id` (or adds to it: a later receipt of codes missing from
// the same shipment). A scanned receipt copies the shipment's facts so the lot is described by this
// event alone; `origin_*` name the producer batch the goods were made in (lineage across any
// number of enterprises), `from_*` the enterprise and stock item they were shipped from.
struct GoodsReceived {
  static constexpr std::string_view kType = "goods.received";
  std::string receipt_id;  // "rcv-N"
  std::string lot_id;      // "lot-N"
  ReceiptSource source = ReceiptSource::kScan;
  Date received_on;
  // scan only
  std::string from_tenant;
  std::string from_name;
  std::string shipment_id;   // the sender's "sh-N"
  std::string from_item_id;  // the sender's batch or lot the shipment left from
  std::string origin_tenant;
  std::string origin_batch_id;
  std::string mo_id;  // this tenant's market order the shipment answers, may be empty
  // both
  std::string supplier_id;  // this tenant's counterparty, may be empty for a scanned receipt
  std::string supplier_name;
  std::string product;
  std::string product_id;
  std::string lot_code;  // printed on the goods (GS1 AI 10) or the supplier's lot
  Date production_date;
  std::optional<Date> expiry_date;
  Quantity quantity;              // what arrived
  int64_t quantity_per_code = 0;  // scan: per code; manual: 0
  std::vector<std::string> serials;          // received
  std::vector<std::string> missing_serials;  // shipped to us, not in this scan, not received before
  std::optional<int64_t> price_fen;
  std::string note;
  bool operator==(const GoodsReceived&) const = default;
};

}  // namespace agritrace::core
