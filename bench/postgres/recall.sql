-- Recall of a material lot: where is everything made from it now? (what AgriTrace's
-- GET /v1/whereabouts?lot_id= answers, R-4.2.4). One JSON document: the lot (with its purchase
-- order's supplier lot and dates), and per batch made from it: produced / shipped / in stock, the locations
-- (own stock; each customer with its masked contacts, the quantity shipped and still held, its
-- sales orders and shipments; enterprises further downstream), and the open orders to stop.
-- pgbench script: -D recall_samples=N, -M prepared; the lot is row i of recall_sample (a lot some
-- batch consumed, the list AgriTrace is timed on); that primary-key read (~0.02 ms) is timed too.
--
-- Written as a competent team would: the lineage is walked with a recursive CTE,
--   lot -> batches (batch_input) -> shipments of those batches -> customers, and, when a
--   customer is itself an enterprise on the platform (ship_to_tenant), that enterprise's own
--   shipments of the same codes (shipment_code by serial) -> its customers, and so on;
-- every step is an index lookup (covering indexes on batch_input and shipment, shipment_code by
-- serial); quantities are summed from the shipments, code counts derived from quantity per code
-- instead of counting shipment_code rows, contacts masked in SQL (phone 3+4, ID 6+4, as the API).
\set i random(1, :recall_samples)
SELECT enterprise_id AS t, lot_id AS lot FROM recall_sample WHERE i = :i \gset
WITH RECURSIVE
affected AS (
  SELECT bi.batch_id FROM batch_input bi
  WHERE bi.enterprise_id = :t AND bi.lot_id = :lot
),
flow AS (
  -- depth 0: the producer's shipments of the affected batches
  SELECT 0 AS depth, s.enterprise_id AS from_tenant, s.id AS shipment_id, s.batch_id AS origin_batch,
         s.ship_to_tenant, s.customer_id, s.quantity
  FROM affected a
  JOIN shipment s ON s.enterprise_id = :t AND s.batch_id = a.batch_id
  UNION
  -- downstream: the receiving enterprise's own shipments of codes it received in that shipment
  -- (LATERAL + DISTINCT: one index probe per code of the shipment, never a scan of
  -- shipment_code, whatever the planner estimates for the work table)
  SELECT f.depth + 1, s2.enterprise_id, s2.id, f.origin_batch, s2.ship_to_tenant, s2.customer_id, s2.quantity
  FROM flow f
  CROSS JOIN LATERAL (
    SELECT DISTINCT sc2.shipment_id
    FROM shipment_code sc
    JOIN shipment_code sc2 ON sc2.enterprise_id = f.ship_to_tenant AND sc2.serial = sc.serial
    WHERE sc.enterprise_id = f.from_tenant AND sc.shipment_id = f.shipment_id) hop
  JOIN shipment s2 ON s2.enterprise_id = f.ship_to_tenant AND s2.id = hop.shipment_id
  WHERE f.ship_to_tenant IS NOT NULL AND f.depth < 8
),
-- per batch and direct customer: shipped, what moved further on, the shipments themselves
direct AS (
  SELECT f.origin_batch, f.customer_id, min(f.ship_to_tenant) AS ship_to_tenant, sum(f.quantity) AS shipped,
         json_agg(f.shipment_id ORDER BY f.shipment_id) AS shipment_ids
  FROM flow f WHERE f.depth = 0
  GROUP BY f.origin_batch, f.customer_id
),
onward AS (  -- quantities that left each downstream holder, and where they arrived
  SELECT f.origin_batch, f.from_tenant, f.ship_to_tenant, f.customer_id, f.depth, sum(f.quantity) AS quantity
  FROM flow f WHERE f.depth > 0
  GROUP BY f.origin_batch, f.from_tenant, f.ship_to_tenant, f.customer_id, f.depth
)
SELECT json_build_object(
  'query', json_build_object('lot_id', :lot::text),
  'lot', (
    SELECT json_build_object(
             'lot_id', l.id, 'po_id', l.po_id, 'material', l.material, 'supplier_id', l.supplier_id,
             'supplier_lot', po.supplier_lot,
             'received_quantity', json_build_object('amount', l.received_quantity, 'unit', l.unit),
             'received_on', l.received_on, 'production_date', po.production_date, 'expiry_date', po.expiry_date)
    FROM material_lot l
    JOIN purchase_order po ON po.enterprise_id = l.enterprise_id AND po.id = l.po_id
    WHERE l.enterprise_id = :t AND l.id = :lot),
  'batches', (
    SELECT coalesce(json_agg(json_build_object(
             'batch_id', b.id, 'lot_code', b.lot_code, 'product', b.product,
             'produced', json_build_object('amount', b.quantity, 'unit', b.unit),
             'shipped', json_build_object('amount', sh.shipped, 'unit', b.unit),
             'in_stock', json_build_object('amount', b.quantity - sh.shipped, 'unit', b.unit),
             'recall_ids', '[]'::json,
             'locations', (
               SELECT json_agg(loc)
               FROM (
                 SELECT json_build_object('kind', 'own_stock', 'holder', e.uscc, 'name', e.name, 'region', e.region,
                          'quantity', json_build_object('amount', b.quantity - sh.shipped, 'unit', b.unit)) AS loc
                 FROM enterprise e WHERE e.id = :t
                 UNION ALL
                 SELECT json_build_object(
                          'kind', 'customer',
                          'holder', coalesce(cp.uscc, b.enterprise_id::text || '/' || cp.id),
                          'customer_id', cp.id,
                          'customer', json_build_object(
                            'counterparty_id', cp.id, 'kind', cp.kind,
                            'roles', CASE WHEN cp.is_supplier THEN '["supplier","customer"]'::json ELSE '["customer"]'::json END,
                            'name', cp.name, 'uscc', cp.uscc, 'legal_representative', cp.legal_representative,
                            'contact_person', cp.contact_person,
                            'phone', left(cp.phone, 3) || '****' || right(cp.phone, 4),
                            'id_number', CASE WHEN cp.id_number IS NULL THEN NULL
                                              ELSE left(cp.id_number, 6) || '********' || right(cp.id_number, 4) END,
                            'address', cp.address, 'region', cp.region),
                          'shipped', json_build_object('amount', d.shipped, 'unit', b.unit),
                          'quantity', json_build_object('amount', d.shipped - coalesce((
                              SELECT sum(o.quantity) FROM onward o
                              WHERE o.origin_batch = d.origin_batch AND o.depth = 1
                                AND o.from_tenant = d.ship_to_tenant), 0), 'unit', b.unit),
                          'sales_orders', (SELECT json_agg(DISTINCT s.so_id) FROM shipment s
                                           WHERE s.enterprise_id = :t AND s.batch_id = b.id AND s.customer_id = cp.id),
                          'shipments', (
                            SELECT json_agg(json_build_object(
                                     'shipment_id', s.id, 'so_id', s.so_id, 'batch_id', s.batch_id,
                                     'lot_code', b.lot_code, 'product', so.product, 'ship_date', s.ship_date,
                                     'ship_from', pe.uscc, 'ship_to_id', s.customer_id, 'ship_to_name', cp.name,
                                     'ship_to_uscc', coalesce(cp.uscc, ''), 'ship_to_tenant', te.uscc,
                                     'ship_to_region', coalesce(cp.region, ''),
                                     'channel', CASE cp.kind WHEN 'individual' THEN 'retail' ELSE 'wholesale' END,
                                     'quantity', json_build_object('amount', s.quantity, 'unit', s.unit),
                                     'quantity_per_code', s.quantity_per_code,
                                     'code_count', s.quantity / s.quantity_per_code) ORDER BY s.id)
                            FROM shipment s
                            JOIN sales_order so ON so.enterprise_id = s.enterprise_id AND so.id = s.so_id
                            JOIN enterprise pe ON pe.id = s.enterprise_id
                            LEFT JOIN enterprise te ON te.id = s.ship_to_tenant
                            WHERE s.enterprise_id = :t AND s.batch_id = b.id AND s.customer_id = cp.id)) AS loc
                 FROM direct d
                 JOIN counterparty cp ON cp.enterprise_id = :t AND cp.id = d.customer_id
                 WHERE d.origin_batch = b.id
                 UNION ALL
                 -- further downstream: what each enterprise reached through the lineage holds
                 SELECT json_build_object('kind', 'downstream',
                          'holder', coalesce(dc.uscc, o.from_tenant::text || '/' || dc.id),
                          'quantity', json_build_object('amount', sum(o.quantity), 'unit', b.unit)) AS loc
                 FROM onward o
                 JOIN counterparty dc ON dc.enterprise_id = o.from_tenant AND dc.id = o.customer_id
                 WHERE o.origin_batch = b.id
                 GROUP BY dc.uscc, o.from_tenant, dc.id) locs),
             'open_orders', (
               SELECT coalesce(json_agg(json_build_object(
                        'so_id', so.id, 'customer_id', so.customer_id, 'status', so.status,
                        'ordered', json_build_object('amount', so.quantity, 'unit', so.unit),
                        'shipped', json_build_object('amount', so.shipped, 'unit', so.unit),
                        'remaining', json_build_object('amount', so.quantity - so.shipped, 'unit', so.unit))
                        ORDER BY so.id), '[]'::json)
               FROM sales_order so
               WHERE so.enterprise_id = :t AND so.batch_id = b.id AND so.status IN ('open', 'partially_shipped'))
           ) ORDER BY b.id), '[]'::json)
    FROM affected a
    JOIN batch b ON b.enterprise_id = :t AND b.id = a.batch_id
    CROSS JOIN LATERAL (SELECT coalesce(sum(f.quantity), 0) AS shipped FROM flow f
                        WHERE f.depth = 0 AND f.origin_batch = b.id) sh));
