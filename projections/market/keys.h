// The typed keys of the market views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::market::keys {

inline constexpr ViewKey<ViewKind::kMarketInbox> inbox;  // mki/P/placed_and_order: order in a producer's inbox
inline constexpr ViewKey<ViewKind::kMarketInboxAnswer> inbox_answer;  // mkia/P/buyer_and_order: the producer's answer, producer's side
inline constexpr ViewKey<ViewKind::kMarketInboxCancelled> inbox_cancelled;  // mkic/P/buyer_and_order: buyer cancelled, producer's side
inline constexpr ViewKey<ViewKind::kMarketInboxIndex> inbox_index;  // mkix/P/buyer/mo: index of mki: -> placed ms/B/mo
inline constexpr ViewKey<ViewKind::kMarketOrder> order;  // mko/B/mo: buyer's market order
inline constexpr ViewKey<ViewKind::kMarketOrderAnswer> order_answer;  // mkoa/B/mo: the producer's answer (accepted or declined)
inline constexpr ViewKey<ViewKind::kMarketOrderCancelled> order_cancelled;  // mkoc/B/mo: buyer cancelled
inline constexpr ViewKey<ViewKind::kMarketOrderReceipt> order_receipt;  // mkorc/B/mo/receipt: a receipt against the order
inline constexpr ViewKey<ViewKind::kMarketOrderShipment> order_shipment;  // mkosh/B/mo/producer_and_shipment: a shipment against the order
inline constexpr ViewKey<ViewKind::kMarketOrderOfSalesOrder> order_of_sales_order;  // mkso/P/so: sales order -> market order

}  // namespace agritrace::projections::market::keys
