// How the single writer stores the write model's entities in its index (StoredMap,
// core/codes/stored_map.h): every field, in declaration order. A field added to one of these
// structs must be added here too (and the writer index's format version raised,
// events/writer/writer_index.cpp), or it is lost when the entity is stored.
#include "core/domain/tenant_state.h"

namespace agritrace::core {

using stored::In;

void store_encode(std::string& out, const PurchaseOrderState& v) {
  store_encode(out, v.material);
  store_encode(out, v.supplier_id);
  store_encode(out, v.quantity);
  store_encode(out, v.supplier_lot);
  store_encode(out, v.production_date);
  store_encode(out, v.expiry_date);
  stored::put(out, static_cast<uint64_t>(v.status));
  store_encode(out, v.lot_id);
  store_encode(out, v.price_fen);
  store_encode(out, v.customs.declaration_number);
  store_encode(out, v.customs.origin_country);
  store_encode(out, v.customs.port_of_entry);
  store_encode(out, v.customs.ciq_certificate_number);
}

void store_decode(In& in, PurchaseOrderState& v) {
  store_decode(in, v.material);
  store_decode(in, v.supplier_id);
  store_decode(in, v.quantity);
  store_decode(in, v.supplier_lot);
  store_decode(in, v.production_date);
  store_decode(in, v.expiry_date);
  v.status = static_cast<PurchaseOrderStatus>(in.u64());
  store_decode(in, v.lot_id);
  store_decode(in, v.price_fen);
  store_decode(in, v.customs.declaration_number);
  store_decode(in, v.customs.origin_country);
  store_decode(in, v.customs.port_of_entry);
  store_decode(in, v.customs.ciq_certificate_number);
}

void store_encode(std::string& out, const MaterialLotState& v) {
  store_encode(out, v.po_id);
  store_encode(out, v.material);
  store_encode(out, v.supplier_id);
  store_encode(out, v.supplier_lot);
  store_encode(out, v.production_date);
  store_encode(out, v.expiry_date);
  store_encode(out, v.received_on);
  store_encode(out, v.received);
  store_encode(out, v.consumed_amount);
  store_encode(out, v.receipt_id);
  store_encode(out, v.lot_code);
  store_encode(out, v.product_id);
  store_encode(out, v.expiry);
  store_encode(out, v.from_tenant);
  store_encode(out, v.from_item_id);
  store_encode(out, v.origin_tenant);
  store_encode(out, v.origin_batch_id);
  store_encode(out, v.quantity_per_code);
}

void store_decode(In& in, MaterialLotState& v) {
  store_decode(in, v.po_id);
  store_decode(in, v.material);
  store_decode(in, v.supplier_id);
  store_decode(in, v.supplier_lot);
  store_decode(in, v.production_date);
  store_decode(in, v.expiry_date);
  store_decode(in, v.received_on);
  store_decode(in, v.received);
  store_decode(in, v.consumed_amount);
  store_decode(in, v.receipt_id);
  store_decode(in, v.lot_code);
  store_decode(in, v.product_id);
  store_decode(in, v.expiry);
  store_decode(in, v.from_tenant);
  store_decode(in, v.from_item_id);
  store_decode(in, v.origin_tenant);
  store_decode(in, v.origin_batch_id);
  store_decode(in, v.quantity_per_code);
}

void store_encode(std::string& out, const BatchState& v) {
  store_encode(out, v.product);
  store_encode(out, v.lot_code);
  store_encode(out, v.quantity);
  store_encode(out, v.production_date);
  store_encode(out, v.expiry_date);
  store_encode(out, v.document_sha256s);
  store_encode(out, v.product_id);
}

void store_decode(In& in, BatchState& v) {
  store_decode(in, v.product);
  store_decode(in, v.lot_code);
  store_decode(in, v.quantity);
  store_decode(in, v.production_date);
  store_decode(in, v.expiry_date);
  store_decode(in, v.document_sha256s);
  store_decode(in, v.product_id);
}

void store_encode(std::string& out, const SalesOrderState& v) {
  store_encode(out, v.customer_id);
  store_encode(out, v.batch_id);
  store_encode(out, v.product);
  store_encode(out, v.quantity);
  store_encode(out, v.shipped);
  stored::put(out, static_cast<uint64_t>(v.status));
  store_encode(out, v.price_fen);
  store_encode(out, v.invoiced_fen);
}

void store_decode(In& in, SalesOrderState& v) {
  store_decode(in, v.customer_id);
  store_decode(in, v.batch_id);
  store_decode(in, v.product);
  store_decode(in, v.quantity);
  store_decode(in, v.shipped);
  v.status = static_cast<SalesOrderStatus>(in.u64());
  store_decode(in, v.price_fen);
  store_decode(in, v.invoiced_fen);
}

void store_encode(std::string& out, const InboundShipment& v) {
  store_encode(out, v.from_tenant);
  store_encode(out, v.shipment_id);
  store_encode(out, v.from_item_id);
  store_encode(out, v.origin_tenant);
  store_encode(out, v.origin_batch_id);
  store_encode(out, v.mo_id);
  store_encode(out, v.product);
  store_encode(out, v.lot_code);
  store_encode(out, v.per_code);
  store_encode(out, v.lot_id);
}

void store_decode(In& in, InboundShipment& v) {
  store_decode(in, v.from_tenant);
  store_decode(in, v.shipment_id);
  store_decode(in, v.from_item_id);
  store_decode(in, v.origin_tenant);
  store_decode(in, v.origin_batch_id);
  store_decode(in, v.mo_id);
  store_decode(in, v.product);
  store_decode(in, v.lot_code);
  store_decode(in, v.per_code);
  store_decode(in, v.lot_id);
}

void store_encode(std::string& out, const CodeRunState& v) {
  store_encode(out, v.template_id);
  store_encode(out, v.batch_id);
  store_encode(out, v.gtin);
  store_encode(out, v.lot_code);
  store_encode(out, v.count);
  stored::put(out, v.disabled);
}

void store_decode(In& in, CodeRunState& v) {
  store_decode(in, v.template_id);
  store_decode(in, v.batch_id);
  store_decode(in, v.gtin);
  store_decode(in, v.lot_code);
  store_decode(in, v.count);
  v.disabled = in.boolean();
}

}  // namespace agritrace::core
