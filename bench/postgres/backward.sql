-- Backward trace of a batch (what AgriTrace's GET /v1/batches/{id}/trace/backward answers):
-- the batch, its producer, every lot it consumed (with the quantity used, the lot's consumed and
-- remaining quantity, its supplier and purchase order) and the batch's documents, as one JSON
-- document built by the server. pgbench script: -D tenants=K -D min_batches=N, -M prepared.
-- The lineage is one hop deep in this data model (batch <- lot <- purchase order), so plain joins
-- on the covering FK indexes are the best plan; a recursive CTE would only add a work table.
\set t random(1, :tenants)
\set n random(1, :min_batches)
SELECT json_build_object(
  'batch', (SELECT to_json(b) FROM batch b WHERE b.enterprise_id = :t AND b.id = 'b-' || :n::text),
  'producer', (SELECT to_json(e) FROM enterprise e WHERE e.id = :t),
  'materials', (
    SELECT coalesce(json_agg(json_build_object(
             'quantity_used', json_build_object('amount', bi.quantity, 'unit', l.unit),
             'lot', json_build_object(
               'lot_id', l.id, 'po_id', l.po_id, 'supplier_id', l.supplier_id, 'material', l.material,
               'received_quantity', json_build_object('amount', l.received_quantity, 'unit', l.unit),
               'received_on', l.received_on,
               'consumed_quantity', json_build_object('amount', c.consumed, 'unit', l.unit),
               'remaining_quantity', json_build_object('amount', l.received_quantity - c.consumed, 'unit', l.unit)),
             'supplier', to_json(cp),
             'purchase_order', to_json(po)) ORDER BY bi.lot_id), '[]'::json)
    FROM batch_input bi
    JOIN material_lot l ON l.enterprise_id = bi.enterprise_id AND l.id = bi.lot_id
    CROSS JOIN LATERAL (SELECT coalesce(sum(u.quantity), 0) AS consumed FROM batch_input u
                        WHERE u.enterprise_id = l.enterprise_id AND u.lot_id = l.id) c
    JOIN counterparty cp ON cp.enterprise_id = l.enterprise_id AND cp.id = l.supplier_id
    JOIN purchase_order po ON po.enterprise_id = l.enterprise_id AND po.id = l.po_id
    WHERE bi.enterprise_id = :t AND bi.batch_id = 'b-' || :n::text),
  'documents', (
    SELECT coalesce(json_agg(to_json(d)), '[]'::json) FROM batch_document d
    WHERE d.enterprise_id = :t AND d.batch_id = 'b-' || :n::text));
