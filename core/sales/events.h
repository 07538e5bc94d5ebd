// Sales and shipping and recalls: the events
// of this business area. The variants in core/domain/event.h / core/domain/command.h list these types;
// the rules are in core/sales/rules.h (decide.cpp, evolve.cpp).
#pragma once
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

// a sales order. Product and dates default from the batch when the request omits them;
// the event always carries the effective values.
struct SalesOrderCreated {
  static constexpr std::string_view kType = "sales_order.created";
  std::string so_id;  // "so-N"
  std::string customer_id;
  std::string batch_id;
  std::string product;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::optional<int64_t> price_fen;  // total price of the order, in fen; absent when not agreed
  std::string note;
  // the buyer's market order this sales order fulfils ("" when none); written to the
  // payload only when set.
  std::string mo_buyer_tenant = {};
  std::string mo_id = {};
  bool operator==(const SalesOrderCreated&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("so_id", &SalesOrderCreated::so_id),
      describe::field("customer_id", &SalesOrderCreated::customer_id),
      describe::field("batch_id", &SalesOrderCreated::batch_id),
      describe::field("product", &SalesOrderCreated::product),
      describe::field("quantity", &SalesOrderCreated::quantity),
      describe::field("production_date", &SalesOrderCreated::production_date),
      describe::field("expiry_date", &SalesOrderCreated::expiry_date, describe::kNullWhenAbsent),
      describe::field("price_fen", &SalesOrderCreated::price_fen, describe::kNullWhenAbsent),
      describe::field("note", &SalesOrderCreated::note),
      describe::field("mo_buyer_tenant", &SalesOrderCreated::mo_buyer_tenant,
                      describe::written_with(&SalesOrderCreated::mo_id)),
      describe::field("mo_id", &SalesOrderCreated::mo_id, describe::kOmitWhenEmpty));
};

// full new values, only while nothing has been shipped.
struct SalesOrderAmended {
  static constexpr std::string_view kType = "sales_order.amended";
  std::string so_id;
  std::string customer_id;
  std::string batch_id;
  std::string product;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::optional<int64_t> price_fen;
  std::string note;
  bool operator==(const SalesOrderAmended&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("so_id", &SalesOrderAmended::so_id),
      describe::field("customer_id", &SalesOrderAmended::customer_id),
      describe::field("batch_id", &SalesOrderAmended::batch_id),
      describe::field("product", &SalesOrderAmended::product),
      describe::field("quantity", &SalesOrderAmended::quantity),
      describe::field("production_date", &SalesOrderAmended::production_date),
      describe::field("expiry_date", &SalesOrderAmended::expiry_date, describe::kNullWhenAbsent),
      describe::field("price_fen", &SalesOrderAmended::price_fen, describe::kNullWhenAbsent),
      describe::field("note", &SalesOrderAmended::note));
};

struct SalesOrderCancelled {
  static constexpr std::string_view kType = "sales_order.cancelled";
  std::string so_id;
  std::string reason;
  bool operator==(const SalesOrderCancelled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("so_id", &SalesOrderCancelled::so_id),
      describe::field("reason", &SalesOrderCancelled::reason));
};

// goods left with these trace codes (GS1 EPCIS ObjectEvent OBSERVE, bizStep shipping).
// The event describes the shipment alone (batch, lot code, product, parties), so whereabouts,
// recall and analytics need no join with the order's history. `ship_to_tenant` is the customer's
// USCC when that enterprise was registered on the platform at shipping time: the key under which
// its own receiving and sales events (circulation end) will continue the lineage.
struct ShipmentRecorded {
  static constexpr std::string_view kType = "shipment.recorded";
  std::string shipment_id;  // "sh-N"
  std::string so_id;
  std::string batch_id;
  std::string lot_code;
  std::string product;
  Date ship_date;
  std::string ship_to_id;      // the customer counterparty
  std::string ship_to_name;
  std::string ship_to_uscc;    // empty for an individual customer
  std::string ship_to_tenant;  // empty unless the customer is a registered enterprise
  std::string ship_to_region;  // the counterparty's region, may be empty
  bool ship_to_individual = false;
  Quantity quantity;           // total: codes x quantity per code
  int64_t quantity_per_code = 1;
  std::vector<std::string> serials;  // GS1 AI (21) of every code shipped
  // .x, written to the payload only when set (older payloads keep their bytes):
  std::string origin_tenant = {};    // the producer the goods were made by ("" = this tenant)
  std::string origin_batch_id = {};  // its batch ("" = batch_id)
  std::string mo_buyer_tenant = {};  // the market order the shipment answers
  std::string mo_id = {};
  std::string payment_voucher = {};  // retail: electronic payment voucher number
  std::optional<int64_t> price_fen = {};  // the part of the order's price this shipment carries
  bool operator==(const ShipmentRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("shipment_id", &ShipmentRecorded::shipment_id),
      describe::field("so_id", &ShipmentRecorded::so_id),
      describe::field("batch_id", &ShipmentRecorded::batch_id),
      describe::field("lot_code", &ShipmentRecorded::lot_code),
      describe::field("product", &ShipmentRecorded::product),
      describe::field("ship_date", &ShipmentRecorded::ship_date),
      describe::field("ship_to_id", &ShipmentRecorded::ship_to_id),
      describe::field("ship_to_name", &ShipmentRecorded::ship_to_name),
      describe::field("ship_to_uscc", &ShipmentRecorded::ship_to_uscc),
      describe::field("ship_to_tenant", &ShipmentRecorded::ship_to_tenant),
      describe::field("ship_to_region", &ShipmentRecorded::ship_to_region),
      describe::field("ship_to_individual", &ShipmentRecorded::ship_to_individual),
      describe::field("quantity", &ShipmentRecorded::quantity),
      describe::field("quantity_per_code", &ShipmentRecorded::quantity_per_code),
      describe::field("serials", &ShipmentRecorded::serials),
      describe::field("origin_tenant", &ShipmentRecorded::origin_tenant, describe::kOmitWhenEmpty),
      describe::field("origin_batch_id", &ShipmentRecorded::origin_batch_id,
                      describe::kOmitWhenEmpty),
      describe::field("mo_buyer_tenant", &ShipmentRecorded::mo_buyer_tenant,
                      describe::written_with(&ShipmentRecorded::mo_id)),
      describe::field("mo_id", &ShipmentRecorded::mo_id, describe::kOmitWhenEmpty),
      describe::field("payment_voucher", &ShipmentRecorded::payment_voucher,
                      describe::kOmitWhenEmpty),
      describe::field("price_fen", &ShipmentRecorded::price_fen, describe::kOmitWhenEmpty));
};

enum class SalesOrderStatus : uint8_t { kOpen, kPartiallyShipped, kShipped, kCancelled };
std::string_view sales_order_status_name(SalesOrderStatus status);
Result<SalesOrderStatus> parse_sales_order_status(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<SalesOrderStatus>
    : describe::EnumTextOf<SalesOrderStatus, sales_order_status_name, parse_sales_order_status> {};

// every status change after creation is an event of its own (shipping appends it next
// to the shipment when the shipped quantity moves the order to partially shipped or shipped).
struct SalesOrderStatusChanged {
  static constexpr std::string_view kType = "sales_order.status_changed";
  std::string so_id;
  SalesOrderStatus status = SalesOrderStatus::kOpen;
  Quantity shipped;  // cumulative, after the change
  bool operator==(const SalesOrderStatusChanged&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("so_id", &SalesOrderStatusChanged::so_id),
      describe::field("status", &SalesOrderStatusChanged::status),
      describe::field("shipped", &SalesOrderStatusChanged::shipped));
};

enum class RecallScope : uint8_t { kLot, kBatch, kCode };
std::string_view recall_scope_name(RecallScope scope);  // "lot" | "batch" | "code"
Result<RecallScope> parse_recall_scope(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<RecallScope>
    : describe::EnumTextOf<RecallScope, recall_scope_name, parse_recall_scope> {};

// a recall of a material lot, a production batch or one trace code. `target` is the
// lot id, the batch id or the code's serial. The batches affected at raising time are recorded
// for the audit; the read model keeps following the lineage after it.
struct RecallRaised {
  static constexpr std::string_view kType = "recall.raised";
  std::string recall_id;  // "rc-N"
  RecallScope scope = RecallScope::kBatch;
  std::string target;
  std::string reason;
  Date raised_on;
  std::vector<std::string> batch_ids;
  bool operator==(const RecallRaised&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("recall_id", &RecallRaised::recall_id),
      describe::field("scope", &RecallRaised::scope),
      describe::field("target", &RecallRaised::target),
      describe::field("reason", &RecallRaised::reason),
      describe::field("raised_on", &RecallRaised::raised_on),
      describe::field("batch_ids", &RecallRaised::batch_ids));
};

}  // namespace agritrace::core
