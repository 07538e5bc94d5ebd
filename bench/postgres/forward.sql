-- Forward trace of a material lot (GET /v1/material-lots/{id}/trace/forward): the lot with its
-- consumed and remaining quantity and every batch that consumed it, with the quantity used, as one
-- JSON document. Until the recall/whereabouts routes exist this is also the recall's first hop
-- (lot -> batches). pgbench script: -D tenants=K -D min_lots=N, -M prepared.
\set t random(1, :tenants)
\set n random(1, :min_lots)
SELECT json_build_object(
  'lot', (
    SELECT json_build_object(
             'lot_id', l.id, 'po_id', l.po_id, 'supplier_id', l.supplier_id, 'material', l.material,
             'received_quantity', json_build_object('amount', l.received_quantity, 'unit', l.unit),
             'received_on', l.received_on,
             'consumed_quantity', json_build_object('amount', c.consumed, 'unit', l.unit),
             'remaining_quantity', json_build_object('amount', l.received_quantity - c.consumed, 'unit', l.unit))
    FROM material_lot l
    CROSS JOIN LATERAL (SELECT coalesce(sum(u.quantity), 0) AS consumed FROM batch_input u
                        WHERE u.enterprise_id = l.enterprise_id AND u.lot_id = l.id) c
    WHERE l.enterprise_id = :t AND l.id = 'lot-' || :n::text),
  'batches', (
    SELECT coalesce(json_agg(json_build_object(
             'quantity_used', json_build_object('amount', bi.quantity, 'unit', l.unit),
             'batch', to_json(b)) ORDER BY bi.batch_id), '[]'::json)
    FROM batch_input bi
    JOIN material_lot l ON l.enterprise_id = bi.enterprise_id AND l.id = bi.lot_id
    JOIN batch b ON b.enterprise_id = bi.enterprise_id AND b.id = bi.batch_id
    WHERE bi.enterprise_id = :t AND bi.lot_id = 'lot-' || :n::text));
