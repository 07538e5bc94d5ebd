// The typed keys of the sales views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::sales::keys {

inline constexpr ViewKey<ViewKind::kSalesOrder> order;  // so/T/so: sales order
inline constexpr ViewKey<ViewKind::kSalesOrderStatus> order_status;  // sos/T/so: sales order status
inline constexpr ViewKey<ViewKind::kSalesOrderShipped> order_shipped;  // sosq/T/so: shipped amount of an order (sum)
inline constexpr ViewKey<ViewKind::kSalesOrderByBatch> order_by_batch;  // sob/T/batch/so: orders by batch
inline constexpr ViewKey<ViewKind::kOpenOrderByBatch> open_order_by_batch;  // soo/T/item/so: open orders by batch
inline constexpr ViewKey<ViewKind::kShipment> shipment;  // sh/T/shipment: shipment
inline constexpr ViewKey<ViewKind::kShipmentByBatch> shipment_by_batch;  // shb/T/batch/shipment: shipment summary by batch
inline constexpr ViewKey<ViewKind::kShipmentOfOrder> shipment_of_order;  // shs/T/so/shipment: shipments of an order
inline constexpr ViewKey<ViewKind::kShipmentOfCode> shipment_of_code;  // shc/T/serial: code -> shipment
inline constexpr ViewKey<ViewKind::kBatchShipped> batch_shipped;  // bsh/T/batch: shipped amount of a batch (sum)
inline constexpr ViewKey<ViewKind::kAtCustomer> at_customer;  // whc/T/batch/customer: amount at each direct customer (sum)
inline constexpr ViewKey<ViewKind::kRecall> recall;  // rc/T/recall: recall
inline constexpr ViewKey<ViewKind::kRecallByBatch> recall_by_batch;  // rcb/T/batch/recall: recall index by batch
inline constexpr ViewKey<ViewKind::kRecallByLot> recall_by_lot;  // rcl/T/lot/recall: recall index by lot
inline constexpr ViewKey<ViewKind::kRecallByCode> recall_by_code;  // rcc/T/serial/recall: recall index by code
inline constexpr ViewKey<ViewKind::kLineage> lineage;  // lin/ORIGIN/origin_batch/holder_and_fact: lineage fact
inline constexpr ViewKey<ViewKind::kLineageHeld> lineage_held;  // linq/ORIGIN/origin_batch/holder: amount held in the lineage (sum)
inline constexpr ViewKey<ViewKind::kAnalytics> analytics;  // ana/T/bucket: downstream volume (sum)

}  // namespace agritrace::projections::sales::keys
