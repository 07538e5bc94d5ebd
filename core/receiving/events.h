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
#include <tuple>

#include "core/base/civil_time.h"
#include "core/base/describe.h"
#include "core/base/quantity.h"
#include "core/base/status.h"

namespace agritrace::core {

enum class ReceiptSource : uint8_t { kScan, kManual };
std::string_view receipt_source_name(ReceiptSource source);  // "scan" | "manual"
Result<ReceiptSource> parse_receipt_source(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<ReceiptSource>
    : describe::EnumTextOf<ReceiptSource, receipt_source_name, parse_receipt_source> {};

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
  static constexpr auto kFields = std::make_tuple(
      describe::field("receipt_id", &GoodsReceived::receipt_id),
      describe::field("lot_id", &GoodsReceived::lot_id),
      describe::field("source", &GoodsReceived::source),
      describe::field("received_on", &GoodsReceived::received_on),
      describe::field("from_tenant", &GoodsReceived::from_tenant),
      describe::field("from_name", &GoodsReceived::from_name),
      describe::field("shipment_id", &GoodsReceived::shipment_id),
      describe::field("from_item_id", &GoodsReceived::from_item_id),
      describe::field("origin_tenant", &GoodsReceived::origin_tenant),
      describe::field("origin_batch_id", &GoodsReceived::origin_batch_id),
      describe::field("mo_id", &GoodsReceived::mo_id),
      describe::field("supplier_id", &GoodsReceived::supplier_id),
      describe::field("supplier_name", &GoodsReceived::supplier_name),
      describe::field("product", &GoodsReceived::product),
      describe::field("product_id", &GoodsReceived::product_id),
      describe::field("lot_code", &GoodsReceived::lot_code),
      describe::field("production_date", &GoodsReceived::production_date),
      describe::field("expiry_date", &GoodsReceived::expiry_date, describe::kNullWhenAbsent),
      describe::field("quantity", &GoodsReceived::quantity),
      describe::field("quantity_per_code", &GoodsReceived::quantity_per_code),
      describe::field("serials", &GoodsReceived::serials),
      describe::field("missing_serials", &GoodsReceived::missing_serials),
      describe::field("price_fen", &GoodsReceived::price_fen, describe::kNullWhenAbsent),
      describe::field("note", &GoodsReceived::note));
};

}  // namespace agritrace::core
