-- The recall of a material lot across enterprises (R-4.2.4 with R-4.3.2, R-4.3.4), as
-- GET /v1/recalls/{id} answers it to the enterprise that raised it: every stock item the lot's
-- goods reached in every enterprise (consumption -> shipment -> receipt -> consumption -> ...),
-- each with its figures, shipments and open orders, then the three recall lists (shipped, open
-- orders, quarantine), every retail sale and what is in transit. One statement, one JSON document.
-- Schema: chain_schema.sql. pgbench script (bench/chain_recall.py): -M prepared,
-- -D farm_t=<enterprise id> -D farm_lot=<lot id>.
--
-- Written as a competent team would: the lineage is a recursive CTE with ONE reference to itself
-- (a LATERAL union of the two kinds of hop), each hop an index(-only) probe on a covering index
-- (consumption's primary key, shipment_by_item + receipt_by_shipment); the walk is bounded like
-- AgriTrace's (16 edges) and keeps each item at its first depth; quantities are summed from the
-- edges; the viewer is the raising enterprise, so other enterprises' consumers are masked.
WITH RECURSIVE
reach (enterprise_id, item_id, depth, from_enterprise, from_item, via_shipment) AS (
  SELECT :farm_t::smallint, :farm_lot::text, 0, NULL::smallint, NULL::text, NULL::text
  UNION
  SELECT n.enterprise_id, n.item_id, r.depth + 1, r.enterprise_id, r.item_id, n.via_shipment
  FROM reach r
  CROSS JOIN LATERAL (
    SELECT c.enterprise_id, c.batch_id AS item_id, NULL::text AS via_shipment
    FROM consumption c
    WHERE c.enterprise_id = r.enterprise_id AND c.lot_id = r.item_id
    UNION ALL
    SELECT rc.enterprise_id, rc.lot_id, s.id
    FROM shipment s
    JOIN receipt rc ON rc.from_enterprise = s.enterprise_id AND rc.shipment_id = s.id
    WHERE s.enterprise_id = r.enterprise_id AND s.item_id = r.item_id
  ) n
  WHERE r.depth < 16
),
node AS (  -- each item once, at the depth it was first reached
  SELECT DISTINCT ON (enterprise_id, item_id) enterprise_id, item_id, depth, from_enterprise, from_item, via_shipment
  FROM reach
  ORDER BY enterprise_id, item_id, depth
),
ship AS (  -- shipments to enterprises that left a reached item, with what their receivers received
  SELECT s.enterprise_id, s.id, s.so_id, s.item_id, s.ship_date, s.ship_to_enterprise, s.customer_name,
         s.customer_uscc, s.quantity, s.unit, coalesce(rv.received, 0) AS received,
         coalesce(rv.received_as, '[]'::json) AS received_as
  FROM node n
  JOIN shipment s ON s.enterprise_id = n.enterprise_id AND s.item_id = n.item_id
  LEFT JOIN LATERAL (
    SELECT sum(rc.quantity) AS received,
           json_agg(json_build_object('enterprise', re.uscc, 'lot_id', rc.lot_id) ORDER BY rc.id) AS received_as
    FROM receipt rc
    JOIN enterprise re ON re.id = rc.enterprise_id
    WHERE rc.from_enterprise = s.enterprise_id AND rc.shipment_id = s.id) rv ON true
),
sale AS (  -- sales to consumers from a reached item
  SELECT rs.*
  FROM node n
  JOIN retail_sale rs ON rs.enterprise_id = n.enterprise_id AND rs.item_id = n.item_id
),
fig AS (  -- per item: produced / received, consumed, shipped (wholesale and retail), stock
  SELECT n.*, i.kind, i.product, i.lot_code, i.quantity, i.unit, i.production_date, i.expiry_date,
         coalesce(c.consumed, 0) AS consumed, coalesce(c.consumed_into, '[]'::json) AS consumed_into,
         coalesce(ss.q, 0) + coalesce(rs.q, 0) AS shipped,
         i.quantity - coalesce(c.consumed, 0) - coalesce(ss.q, 0) - coalesce(rs.q, 0) AS stock
  FROM node n
  JOIN item i ON i.enterprise_id = n.enterprise_id AND i.id = n.item_id
  LEFT JOIN LATERAL (
    SELECT sum(c.quantity) AS consumed,
           json_agg(json_build_object('batch_id', c.batch_id,
                                      'quantity', json_build_object('amount', c.quantity, 'unit', i.unit))
                    ORDER BY c.batch_id) AS consumed_into
    FROM consumption c
    WHERE c.enterprise_id = n.enterprise_id AND c.lot_id = n.item_id) c ON true
  LEFT JOIN (SELECT enterprise_id, item_id, sum(quantity) AS q FROM ship GROUP BY 1, 2) ss
    ON ss.enterprise_id = n.enterprise_id AND ss.item_id = n.item_id
  LEFT JOIN (SELECT enterprise_id, item_id, sum(quantity) AS q FROM sale GROUP BY 1, 2) rs
    ON rs.enterprise_id = n.enterprise_id AND rs.item_id = n.item_id
),
moves AS (  -- every shipment of a reached item, wholesale and retail, as the viewer sees it
  SELECT f.depth, s.enterprise_id, s.item_id, s.id, false AS retail, s.quantity - s.received AS in_transit,
         json_build_object(
           'enterprise', e.uscc, 'enterprise_name', e.name, 'item_id', s.item_id, 'lot_code', f.lot_code,
           'shipment_id', s.id, 'so_id', s.so_id, 'ship_date', s.ship_date, 'channel', 'wholesale',
           'quantity', json_build_object('amount', s.quantity, 'unit', s.unit),
           'customer', json_build_object('kind', 'enterprise', 'name', s.customer_name, 'uscc', s.customer_uscc),
           'receiver', json_build_object('enterprise', te.uscc, 'name', te.name),
           'received', json_build_object('amount', s.received, 'unit', s.unit),
           'in_transit', json_build_object('amount', s.quantity - s.received, 'unit', s.unit),
           'received_as', s.received_as) AS doc
  FROM ship s
  JOIN fig f ON f.enterprise_id = s.enterprise_id AND f.item_id = s.item_id
  JOIN enterprise e ON e.id = s.enterprise_id
  LEFT JOIN enterprise te ON te.id = s.ship_to_enterprise
  UNION ALL
  SELECT f.depth, rs.enterprise_id, rs.item_id, rs.id, true, 0,
         json_build_object(
           'enterprise', e.uscc, 'enterprise_name', e.name, 'item_id', rs.item_id, 'lot_code', f.lot_code,
           'product', f.product, 'shipment_id', rs.id, 'so_id', rs.so_id, 'sold_on', rs.sold_on, 'channel', 'retail',
           'quantity', json_build_object('amount', rs.quantity, 'unit', rs.unit),
           'customer', json_build_object(
             'kind', 'individual',
             'name', CASE WHEN rs.enterprise_id = :farm_t THEN coalesce(rs.customer_name, '')
                          WHEN rs.customer_name IS NULL THEN ''
                          ELSE left(rs.customer_name, 1) || repeat('*', greatest(char_length(rs.customer_name) - 1, 1)) END,
             'region', coalesce(rs.customer_region, '')),
           'receiver', NULL,
           'payment_voucher_present', rs.payment_voucher IS NOT NULL) AS doc
  FROM sale rs
  JOIN fig f ON f.enterprise_id = rs.enterprise_id AND f.item_id = rs.item_id
  JOIN enterprise e ON e.id = rs.enterprise_id
),
item_moves AS (
  SELECT enterprise_id, item_id, json_agg(doc ORDER BY id) AS shipments FROM moves GROUP BY 1, 2
),
open_order AS (  -- orders of reached items that can still be stopped
  SELECT f.depth, so.enterprise_id, so.item_id, so.id,
         json_build_object('enterprise', e.uscc, 'enterprise_name', e.name, 'item_id', so.item_id,
                           'lot_code', f.lot_code, 'so_id', so.id, 'status', so.status,
                           'remaining', json_build_object('amount', so.quantity - so.shipped, 'unit', f.unit),
                           'customer', so.customer_name) AS doc
  FROM fig f
  JOIN sales_order so ON so.enterprise_id = f.enterprise_id AND so.item_id = f.item_id
  JOIN enterprise e ON e.id = so.enterprise_id
  WHERE so.status IN ('open', 'partially_shipped')
),
item_doc AS (
  SELECT f.enterprise_id, f.depth, f.item_id,
         json_build_object(
           'item_id', f.item_id, 'kind', f.kind, 'product', f.product, 'lot_code', f.lot_code, 'depth', f.depth,
           'production_date', f.production_date, 'expiry_date', f.expiry_date,
           'reached_from', CASE WHEN f.from_enterprise IS NULL THEN NULL
                                ELSE json_build_object('enterprise', fe.uscc, 'item_id', f.from_item,
                                                       'shipment_id', f.via_shipment) END,
           CASE f.kind WHEN 'batch' THEN 'produced' ELSE 'received' END,
             json_build_object('amount', f.quantity, 'unit', f.unit),
           'consumed', json_build_object('amount', f.consumed, 'unit', f.unit),
           'shipped', json_build_object('amount', f.shipped, 'unit', f.unit),
           'stock', json_build_object('amount', f.stock, 'unit', f.unit),
           'consumed_into', f.consumed_into,
           'shipments', coalesce(m.shipments, '[]'::json),
           'open_orders', coalesce((SELECT json_agg(o.doc ORDER BY o.id) FROM open_order o
                                    WHERE o.enterprise_id = f.enterprise_id AND o.item_id = f.item_id), '[]'::json)
         ) AS doc
  FROM fig f
  LEFT JOIN enterprise fe ON fe.id = f.from_enterprise
  LEFT JOIN item_moves m ON m.enterprise_id = f.enterprise_id AND m.item_id = f.item_id
)
SELECT json_build_object(
  'recall', json_build_object('enterprise', v.uscc, 'enterprise_name', v.name, 'scope', 'lot',
                              'target', :farm_lot::text),
  'batches', (SELECT coalesce(json_agg(json_build_object('batch_id', f.item_id, 'lot_code', f.lot_code,
                                                         'product', f.product) ORDER BY f.item_id), '[]'::json)
              FROM fig f WHERE f.enterprise_id = :farm_t AND f.kind = 'batch' AND f.depth = 1),
  'shipped', (SELECT coalesce(json_agg(m.doc ORDER BY m.depth, m.enterprise_id, m.id), '[]'::json) FROM moves m),
  'open_orders', (SELECT coalesce(json_agg(o.doc ORDER BY o.depth, o.enterprise_id, o.id), '[]'::json) FROM open_order o),
  'quarantine', (SELECT coalesce(json_agg(json_build_object(
                          'enterprise', e.uscc, 'enterprise_name', e.name, 'location', e.name, 'item_id', f.item_id,
                          'kind', f.kind, 'lot_code', f.lot_code,
                          'quantity', json_build_object('amount', f.stock, 'unit', f.unit))
                        ORDER BY f.depth, f.enterprise_id, f.item_id), '[]'::json)
                 FROM fig f JOIN enterprise e ON e.id = f.enterprise_id WHERE f.stock > 0),
  'enterprises', (SELECT json_agg(json_build_object('enterprise', e.uscc, 'name', e.name, 'region', e.region,
                                                    'own', e.id = :farm_t, 'items', g.items)
                                  ORDER BY g.first_depth, e.id)
                  FROM (SELECT enterprise_id, min(depth) AS first_depth,
                               json_agg(doc ORDER BY depth, item_id) AS items
                        FROM item_doc GROUP BY enterprise_id) g
                  JOIN enterprise e ON e.id = g.enterprise_id),
  'retail_sales', (SELECT coalesce(json_agg(m.doc ORDER BY m.depth, m.enterprise_id, m.id), '[]'::json)
                   FROM moves m WHERE m.retail),
  'in_transit', (SELECT coalesce(json_agg(m.doc ORDER BY m.depth, m.enterprise_id, m.id), '[]'::json)
                 FROM moves m WHERE m.in_transit > 0),
  'truncated', EXISTS (SELECT 1 FROM reach WHERE depth >= 16)
)
FROM enterprise v
WHERE v.id = :farm_t;
