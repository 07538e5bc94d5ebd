// The typed keys of the receiving views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::receiving::keys {

inline constexpr ViewKey<ViewKind::kReceipt> receipt;  // rcv/T/receipt: goods receipt
inline constexpr ViewKey<ViewKind::kReceiptSummary> receipt_summary;  // rcvs/T/receipt: receipt summary (lists)
inline constexpr ViewKey<ViewKind::kReceiptOfLot> receipt_of_lot;  // rcvl/T/lot/receipt: receipts of a lot
inline constexpr ViewKey<ViewKind::kReceivedCode> received_code;  // rcvc/T/serial: code received
inline constexpr ViewKey<ViewKind::kMissingCode> missing_code;  // rcvm/T/serial: code missing at a receipt
inline constexpr ViewKey<ViewKind::kReceivedFromItem> received_from_item;  // xrc/FROM/from_item/to_tenant_and_lot: sender's item -> receiver's lot (sum)
inline constexpr ViewKey<ViewKind::kReceivedFromShipment> received_from_shipment;  // xrs/FROM/shipment/to_tenant_and_lot: sender's shipment -> receiver's lot (sum)
inline constexpr ViewKey<ViewKind::kAdjusted> adjusted;  // xadj/T/item: net stock adjustment of an item (sum)

}  // namespace agritrace::projections::receiving::keys
