// The fold of goods received into the receiver's write model.
#include "core/receiving/rules.h"

#include "core/base/rule_errors.h"

namespace agritrace::core {

void evolve(TenantState& s, const GoodsReceived& e) {
  observe_id(s.circulation.last_receipt, e.receipt_id, "rcv-");
  observe_id(s.counters.lot, e.lot_id, "lot-");
  MaterialLotState& lot = s.lots[e.lot_id];
  if (lot.receipt_id.empty()) {
    lot.receipt_id = e.receipt_id;
    lot.material = e.product;
    lot.supplier_id = e.supplier_id;
    lot.supplier_lot = e.lot_code;
    lot.lot_code = e.lot_code;
    lot.product_id = e.product_id;
    lot.production_date = e.production_date;
    lot.expiry = e.expiry_date;
    if (e.expiry_date) lot.expiry_date = *e.expiry_date;
    lot.received_on = e.received_on;
    lot.received = Quantity{0, e.quantity.unit};
    lot.from_tenant = e.from_tenant;
    lot.from_item_id = e.from_item_id;
    lot.origin_tenant = e.origin_tenant;
    lot.origin_batch_id = e.origin_batch_id;
    lot.quantity_per_code = e.quantity_per_code;
  }
  if (lot.received.unit == e.quantity.unit) saturating_add(lot.received.amount, e.quantity.amount);
  if (e.source == ReceiptSource::kScan) {
    const std::string key = inbound_key(e.from_tenant, e.shipment_id);
    s.circulation.inbound[key].lot_id = e.lot_id;
    for (const std::string& serial : e.serials) {
      s.circulation.received_codes.set(serial, key);
      s.circulation.held_codes.set(serial, e.lot_id);
    }
  }
}

}  // namespace agritrace::core
