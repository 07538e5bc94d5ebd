-- Created after COPY (faster than maintaining them row by row). FK indexes, two of them covering.
CREATE INDEX batch_input_by_batch ON batch_input (enterprise_id, batch_id) INCLUDE (lot_id, quantity);
CREATE INDEX batch_input_by_lot   ON batch_input (enterprise_id, lot_id) INCLUDE (batch_id, quantity);
CREATE INDEX batch_document_by_batch ON batch_document (enterprise_id, batch_id);
CREATE INDEX material_lot_by_po ON material_lot (enterprise_id, po_id);
CREATE INDEX material_lot_by_supplier ON material_lot (enterprise_id, supplier_id);
CREATE INDEX purchase_order_by_supplier ON purchase_order (enterprise_id, supplier_id);
-- Sales and codes: FK indexes; the recall walks batch -> shipments (covering) and, downstream,
-- a serial to the receiving enterprise's shipments of it (shipment_code by serial).
CREATE INDEX code_by_batch ON code (enterprise_id, batch_id);
CREATE INDEX sales_order_by_batch ON sales_order (enterprise_id, batch_id);
CREATE INDEX sales_order_by_customer ON sales_order (enterprise_id, customer_id);
CREATE INDEX shipment_by_batch ON shipment (enterprise_id, batch_id)
  INCLUDE (id, so_id, customer_id, ship_to_tenant, quantity, ship_date);
CREATE INDEX shipment_by_so ON shipment (enterprise_id, so_id);
CREATE INDEX shipment_by_customer ON shipment (enterprise_id, customer_id);
CREATE INDEX shipment_code_by_serial ON shipment_code (enterprise_id, serial) INCLUDE (shipment_id);
-- Downstream lineage: a shipment to the lot it became at the receiver, a received lot to the
-- batches repacked from it.
CREATE INDEX received_lot_by_shipment ON received_lot (from_enterprise_id, shipment_id) INCLUDE (lot_id);
CREATE INDEX repack_input_by_lot ON repack_input (enterprise_id, lot_id) INCLUDE (batch_id, amount);
VACUUM (ANALYZE);
