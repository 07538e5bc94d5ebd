-- Created after COPY (faster than maintaining them row by row). FK indexes, two of them covering.
CREATE INDEX batch_input_by_batch ON batch_input (enterprise_id, batch_id) INCLUDE (lot_id, quantity);
CREATE INDEX batch_input_by_lot   ON batch_input (enterprise_id, lot_id) INCLUDE (batch_id, quantity);
CREATE INDEX batch_document_by_batch ON batch_document (enterprise_id, batch_id);
CREATE INDEX material_lot_by_po ON material_lot (enterprise_id, po_id);
CREATE INDEX material_lot_by_supplier ON material_lot (enterprise_id, supplier_id);
CREATE INDEX purchase_order_by_supplier ON purchase_order (enterprise_id, supplier_id);
VACUUM (ANALYZE);
