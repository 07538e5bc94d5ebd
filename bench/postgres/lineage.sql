-- The cross-enterprise lineage in PostgreSQL (issue 11): the same questions AgriTrace's lineage
-- answers (projections::LineageQueries, GET /v1/trace/forward|backward), with the same JSON
-- documents, written as a competent team would, over the facts bench/generate exports: lot ->
-- batches (batch_input), batch -> shipments -> the lot each registered receiver scanned in
-- (received_lot), received lot -> the receiver's repacked batches (repack_input), and so on across
-- any number of enterprises, by a recursive CTE whose every step is an index lookup; then one
-- document per question built with json_build_object / json_agg.
--
-- lineage_forward(t, item) -> the whole forward document (NULL when the item does not exist:
--   AgriTrace answers 404):
--   {"root": ITEM,
--    "holders": [{state, enterprise_id, enterprise_name, item: REF, product, lot_code, codes,
--                 quantity: {amount, unit}, ...}]   one row per non-zero state of every reached item:
--        own_stock; in_transit / missing (+ to: {enterprise_id, enterprise_name}, shipment_id) per
--        shipment to a registered enterprise; consumed_into (+ into: REF) per own batch;
--        written_off; sold_to_consumers (+ sales, customer: {kind: consumer}); at_customer
--        (+ customer: {kind, name, uscc, region}) per customer not on the platform,
--    "totals": {codes, quantity: [{amount, unit}], by_state: {STATE: {codes, quantity: [...]}}}
--        (codes and quantity summed over every row but consumed_into; by_state over every row),
--    "batches": [ITEM] every reached batch, "items": [ITEM + from: [REF]] every reached item}
-- lineage_backward(t, item) -> {"item": ITEM + from, "upstream": [ITEM + from]} (NULL: 404).
--   ITEM = {enterprise_id, enterprise_name, item_id, kind, product, lot_code},
--   REF = {enterprise_id, item_id, kind}.
-- Order, as AgriTrace writes it: items by enterprise USCC, then batches ("b-") before lots, then
-- the number; holders of one item in the state order above, shipments / batches by number,
-- customers by USCC; quantities by unit name; `from` in item order.
-- Every figure is computed from the loaded facts at query time (nothing precomputed).

CREATE OR REPLACE FUNCTION item_order(item text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT split_part(item, '-', 2)::bigint
$$;

-- Every item reached from (t0, item0), itself included: downstream (what was made of it, where it
-- went) or upstream (what it was made of, where it came from).
CREATE OR REPLACE FUNCTION lineage_reach(t0 smallint, item0 text, downstream boolean)
RETURNS TABLE (t smallint, item text) LANGUAGE sql STABLE AS $$
WITH RECURSIVE reach(t, item) AS (
  SELECT t0, item0
  UNION
  SELECT e.t, e.item
  FROM reach r
  CROSS JOIN LATERAL (
    -- lot -> batches made of it (and back)
    SELECT bi.enterprise_id AS t, bi.batch_id AS item FROM batch_input bi
    WHERE downstream AND bi.enterprise_id = r.t AND bi.lot_id = r.item
    UNION ALL
    SELECT bi.enterprise_id, bi.lot_id FROM batch_input bi
    WHERE NOT downstream AND bi.enterprise_id = r.t AND bi.batch_id = r.item
    -- received lot -> batches repacked from it (and back)
    UNION ALL
    SELECT ri.enterprise_id, ri.batch_id FROM repack_input ri
    WHERE downstream AND ri.enterprise_id = r.t AND ri.lot_id = r.item
    UNION ALL
    SELECT ri.enterprise_id, ri.lot_id FROM repack_input ri
    WHERE NOT downstream AND ri.enterprise_id = r.t AND ri.batch_id = r.item
    -- batch -> its shipments -> the lot each registered receiver scanned in (and back)
    UNION ALL
    SELECT rl.enterprise_id, rl.lot_id FROM shipment s
    JOIN received_lot rl ON rl.from_enterprise_id = s.enterprise_id AND rl.shipment_id = s.id
    WHERE downstream AND s.enterprise_id = r.t AND s.batch_id = r.item
    UNION ALL
    SELECT s.enterprise_id, s.batch_id FROM received_lot rl
    JOIN shipment s ON s.enterprise_id = rl.from_enterprise_id AND s.id = rl.shipment_id
    WHERE NOT downstream AND rl.enterprise_id = r.t AND rl.lot_id = r.item) e
)
SELECT t, item FROM reach
$$;

-- The label of an item: product and lot code (a batch's own; a bought lot's material and the
-- supplier's lot; a received lot's as scanned in), and its direct upstream items as REFs (a
-- batch's consumed lots, a received lot's sender batch; a bought lot has none). No row when the
-- item does not exist. The backward trace reads it per item; the forward reads the same facts
-- together with its counts (lineage_forward, CTE node).
CREATE OR REPLACE FUNCTION lineage_label(t0 smallint, item0 text)
RETURNS TABLE (product text, lot_code text, from_refs json) LANGUAGE sql STABLE AS $$
SELECT b.product, b.lot_code,
       (SELECT coalesce(json_agg(json_build_object('enterprise_id', e.uscc, 'item_id', x.lot_id, 'kind', 'lot')
                                 ORDER BY item_order(x.lot_id)), '[]'::json)
        FROM (SELECT bi.lot_id FROM batch_input bi WHERE bi.enterprise_id = t0 AND bi.batch_id = item0
              UNION ALL
              SELECT ri.lot_id FROM repack_input ri WHERE ri.enterprise_id = t0 AND ri.batch_id = item0) x
        JOIN enterprise e ON e.id = t0)
FROM batch b WHERE b.enterprise_id = t0 AND b.id = item0
UNION ALL
SELECT m.material, po.supplier_lot, '[]'::json
FROM material_lot m JOIN purchase_order po ON po.enterprise_id = m.enterprise_id AND po.id = m.po_id
WHERE m.enterprise_id = t0 AND m.id = item0
UNION ALL
SELECT rl.product, rl.lot_code,
       json_build_array(json_build_object('enterprise_id', e.uscc, 'item_id', s.batch_id, 'kind', 'batch'))
FROM received_lot rl
JOIN shipment s ON s.enterprise_id = rl.from_enterprise_id AND s.id = rl.shipment_id
JOIN enterprise e ON e.id = rl.from_enterprise_id
WHERE rl.enterprise_id = t0 AND rl.lot_id = item0
$$;

-- PL/pgSQL (not SQL) functions for the two answers: PL/pgSQL keeps its statements' plans for the
-- session, a SQL function's body is planned again at every call (~30 ms for this one). The
-- "OFFSET 0" subqueries keep the per-item look-ups index probes (the planner cannot see how few
-- items a reach has and would otherwise hash whole tables).
DROP FUNCTION IF EXISTS lineage_forward(smallint, text);
DROP FUNCTION IF EXISTS lineage_backward(smallint, text);
CREATE FUNCTION lineage_forward(t0 smallint, item0 text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN RETURN (
WITH reach AS MATERIALIZED (SELECT * FROM lineage_reach(t0, item0, true)),
-- Every reached item with what came in, in one look-up per kind of item: label (product, lot code,
-- direct upstream items), unit, quantity (produced / bought / received), codes (generated for a
-- batch, scanned in for a received lot) and a received lot's quantity per code.
node AS MATERIALIZED (
  SELECT r.t, r.item, e.uscc, e.name AS ename, r.item LIKE 'b-%' AS is_batch, item_order(r.item) AS n,
         d.product, d.lot_code, d.unit, d.quantity, d.codes, d.lot_per_code, d.from_refs
  FROM reach r
  JOIN enterprise e ON e.id = r.t
  CROSS JOIN LATERAL (
    SELECT b.product, b.lot_code, b.unit, b.quantity,
           (SELECT count(*) FROM code c WHERE c.enterprise_id = b.enterprise_id AND c.batch_id = b.id) AS codes,
           0::bigint AS lot_per_code,
           (SELECT coalesce(json_agg(json_build_object('enterprise_id', e.uscc, 'item_id', x.lot_id, 'kind', 'lot')
                                     ORDER BY item_order(x.lot_id)), '[]'::json)
            FROM (SELECT bi.lot_id FROM batch_input bi WHERE bi.enterprise_id = b.enterprise_id AND bi.batch_id = b.id
                  UNION ALL
                  SELECT ri.lot_id FROM repack_input ri WHERE ri.enterprise_id = b.enterprise_id AND ri.batch_id = b.id) x)
             AS from_refs
    FROM batch b WHERE b.enterprise_id = r.t AND b.id = r.item
    UNION ALL
    SELECT m.material, po.supplier_lot, m.unit, m.received_quantity, 0, 0, '[]'::json
    FROM material_lot m JOIN purchase_order po ON po.enterprise_id = m.enterprise_id AND po.id = m.po_id
    WHERE m.enterprise_id = r.t AND m.id = r.item
    UNION ALL
    SELECT rl.product, rl.lot_code, rl.unit, rl.quantity,
           (SELECT count(*) FROM receipt_code c
            WHERE c.enterprise_id = rl.enterprise_id AND c.lot_id = rl.lot_id AND NOT c.missing),
           rl.quantity_per_code,
           json_build_array(json_build_object('enterprise_id', se.uscc, 'item_id', s.batch_id, 'kind', 'batch'))
    FROM received_lot rl
    JOIN shipment s ON s.enterprise_id = rl.from_enterprise_id AND s.id = rl.shipment_id
    JOIN enterprise se ON se.id = rl.from_enterprise_id
    WHERE rl.enterprise_id = r.t AND rl.lot_id = r.item) d
),
-- Every shipment of a reached batch (one index probe per batch; the rows serve stock, flows and
-- customers below).
ships AS MATERIALIZED (
  SELECT n.t, n.item, s.id, s.customer_id, s.ship_to_tenant, s.quantity, s.quantity_per_code AS qpc
  FROM node n
  CROSS JOIN LATERAL (SELECT s.id, s.customer_id, s.ship_to_tenant, s.quantity, s.quantity_per_code
                      FROM shipment s WHERE s.enterprise_id = n.t AND s.batch_id = n.item OFFSET 0) s
  WHERE n.is_batch
),
-- What every reached lot went into (own batches) and what stocktakes wrote off of it.
cons AS MATERIALIZED (
  SELECT n.t, n.item, x.batch_id, x.amount
  FROM node n
  CROSS JOIN LATERAL (SELECT bi.batch_id, bi.quantity AS amount FROM batch_input bi
                      WHERE bi.enterprise_id = n.t AND bi.lot_id = n.item
                      UNION ALL
                      SELECT ri.batch_id, ri.amount FROM repack_input ri
                      WHERE ri.enterprise_id = n.t AND ri.lot_id = n.item OFFSET 0) x
  WHERE NOT n.is_batch
),
woff AS MATERIALIZED (
  SELECT n.t, n.item, x.amount
  FROM node n
  CROSS JOIN LATERAL (SELECT sum(w.amount)::bigint AS amount FROM write_off w
                      WHERE w.enterprise_id = n.t AND w.lot_id = n.item) x
  WHERE NOT n.is_batch AND x.amount IS NOT NULL
),
-- Every item with what left it: shipped (all customers), consumed into own batches, written off;
-- its stock, and its quantity per code (a batch's from its scanned shipments, a received lot's
-- from its receipt; 0 when unknown).
moved AS MATERIALIZED (
  SELECT n.*, CASE WHEN n.is_batch THEN coalesce(sh.per_code, 0) ELSE n.lot_per_code END AS per_code,
         coalesce(sh.shipped, 0) AS shipped, coalesce(sh.shipped_codes, 0) AS shipped_codes,
         coalesce(c.consumed, 0) AS consumed, coalesce(w.amount, 0) AS written_off,
         n.quantity - coalesce(w.amount, 0) - coalesce(c.consumed, 0) - coalesce(sh.shipped, 0) AS stock
  FROM node n
  LEFT JOIN (SELECT s.t, s.item, sum(s.quantity)::bigint AS shipped, sum(s.quantity / s.qpc)::bigint AS shipped_codes,
                    max(s.qpc) AS per_code
             FROM ships s GROUP BY s.t, s.item) sh ON sh.t = n.t AND sh.item = n.item
  LEFT JOIN (SELECT c.t, c.item, sum(c.amount)::bigint AS consumed FROM cons c GROUP BY c.t, c.item) c
    ON c.t = n.t AND c.item = n.item
  LEFT JOIN woff w ON w.t = n.t AND w.item = n.item
),
-- Shipments to registered enterprises: shipped, received and recorded missing at the receipt.
flows AS (
  SELECT s.t, s.item, s.id AS shipment_id, s.ship_to_tenant, s.quantity AS shipped,
         s.quantity / s.qpc AS shipped_codes, s.qpc,
         coalesce(rc.quantity, 0) AS received, coalesce(rc.received, 0) AS received_codes,
         coalesce(rc.missing, 0) AS missing_codes
  FROM ships s
  LEFT JOIN LATERAL (
    SELECT rl.quantity, count(*) FILTER (WHERE NOT c.missing) AS received, count(*) FILTER (WHERE c.missing) AS missing
    FROM received_lot rl LEFT JOIN receipt_code c ON c.enterprise_id = rl.enterprise_id AND c.lot_id = rl.lot_id
    WHERE rl.from_enterprise_id = s.t AND rl.shipment_id = s.id
    GROUP BY rl.enterprise_id, rl.lot_id, rl.quantity OFFSET 0) rc ON true
  WHERE s.ship_to_tenant IS NOT NULL
),
-- Shipments to customers not on the platform: people (retail) and enterprises by USCC.
outside AS (
  SELECT s.t, s.item, cp.kind, cp.name, cp.uscc, cp.region, cp.id AS cp_id, s.quantity, s.quantity / s.qpc AS codes
  FROM ships s
  CROSS JOIN LATERAL (SELECT cp.kind, cp.name, cp.uscc, cp.region, cp.id FROM counterparty cp
                      WHERE cp.enterprise_id = s.t AND cp.id = s.customer_id OFFSET 0) cp
  WHERE s.ship_to_tenant IS NULL
),
-- One row per non-zero state: (state order, sub order) sorts the rows of one item.
rows AS MATERIALIZED (
  SELECT m.t, m.item, 'own_stock' AS state, 1 AS so, 0::bigint AS sub, ''::text AS sub_text,
         greatest(CASE WHEN m.per_code > 0
                       THEN least(m.codes - m.shipped_codes - (m.consumed + m.written_off) / m.per_code,
                                  greatest(m.stock, 0) / m.per_code)
                       ELSE m.codes - m.shipped_codes END, 0) AS codes,
         m.stock AS amount, NULL::smallint AS to_t, NULL::text AS ref, 0::bigint AS sales,
         NULL::text AS c_kind, NULL::text AS c_name, NULL::text AS c_uscc, NULL::text AS c_region
  FROM moved m WHERE m.stock > 0
  UNION ALL
  SELECT f.t, f.item, 'in_transit', 2, item_order(f.shipment_id), '',
         greatest(f.shipped_codes - f.received_codes - f.missing_codes, 0),
         f.shipped - f.received - f.missing_codes * f.qpc, f.ship_to_tenant, f.shipment_id, 0,
         NULL, NULL, NULL, NULL
  FROM flows f WHERE f.shipped - f.received - f.missing_codes * f.qpc > 0
  UNION ALL
  SELECT f.t, f.item, 'missing', 3, item_order(f.shipment_id), '', f.missing_codes,
         f.missing_codes * f.qpc, f.ship_to_tenant, f.shipment_id, 0, NULL, NULL, NULL, NULL
  FROM flows f WHERE f.missing_codes * f.qpc > 0
  UNION ALL
  SELECT m.t, m.item, 'consumed_into', 4, item_order(x.batch_id), '',
         CASE WHEN m.per_code > 0 THEN x.amount / m.per_code ELSE 0 END, x.amount, NULL, x.batch_id, 0,
         NULL, NULL, NULL, NULL
  FROM moved m
  JOIN (SELECT c.t, c.item, c.batch_id, sum(c.amount)::bigint AS amount FROM cons c
        GROUP BY c.t, c.item, c.batch_id) x ON x.t = m.t AND x.item = m.item
  WHERE x.amount > 0
  UNION ALL
  SELECT m.t, m.item, 'written_off', 5, 0, '',
         CASE WHEN m.per_code > 0 THEN m.written_off / m.per_code ELSE 0 END, m.written_off, NULL, NULL, 0,
         NULL, NULL, NULL, NULL
  FROM moved m WHERE m.written_off > 0
  UNION ALL
  SELECT o.t, o.item, 'sold_to_consumers', 6, 0, '', sum(o.codes)::bigint, sum(o.quantity)::bigint, NULL, NULL,
         count(*), NULL, NULL, NULL, NULL
  FROM outside o WHERE o.kind = 'individual' GROUP BY o.t, o.item HAVING sum(o.quantity) > 0
  UNION ALL
  SELECT o.t, o.item, 'at_customer', 7, 0, coalesce(o.uscc, 'cp:' || o.cp_id), sum(o.codes)::bigint,
         sum(o.quantity)::bigint, NULL, NULL, 0,
         -- the customer as recorded now: AgriTrace shows it as named by the latest shipment; the
         -- same here, as the generated customers are never amended
         min(o.kind), min(o.name), min(o.uscc), min(o.region)
  FROM outside o WHERE o.kind <> 'individual' GROUP BY o.t, o.item, coalesce(o.uscc, 'cp:' || o.cp_id)
  HAVING sum(o.quantity) > 0
),
holders AS (
  SELECT h.*, m.uscc, m.ename, m.is_batch, m.n, m.product, m.lot_code, m.unit,
         json_build_object('enterprise_id', m.uscc, 'item_id', m.item, 'kind',
                           CASE WHEN m.is_batch THEN 'batch' ELSE 'lot' END) AS ref_json
  FROM rows h JOIN node m ON m.t = h.t AND m.item = h.item
),
by_unit AS (
  SELECT h.state, h.unit, sum(h.codes)::bigint AS codes, sum(h.amount)::bigint AS amount
  FROM holders h GROUP BY h.state, h.unit
),
items AS (
  SELECT n.*, json_build_object('enterprise_id', n.uscc, 'enterprise_name', n.ename, 'item_id', n.item,
                                'kind', CASE WHEN n.is_batch THEN 'batch' ELSE 'lot' END,
                                'product', n.product, 'lot_code', n.lot_code) AS label,
         json_build_object('enterprise_id', n.uscc, 'enterprise_name', n.ename, 'item_id', n.item,
                           'kind', CASE WHEN n.is_batch THEN 'batch' ELSE 'lot' END,
                           'product', n.product, 'lot_code', n.lot_code, 'from', n.from_refs) AS full_item
  FROM node n
)
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM node WHERE t = t0 AND item = item0) THEN NULL ELSE json_build_object(
  'root', (SELECT i.label FROM items i WHERE i.t = t0 AND i.item = item0),
  'holders', (
    SELECT coalesce(json_agg(
             CASE h.state
               WHEN 'in_transit' THEN json_build_object(
                 'state', h.state, 'enterprise_id', h.uscc, 'enterprise_name', h.ename, 'item', h.ref_json,
                 'product', h.product, 'lot_code', h.lot_code, 'codes', h.codes,
                 'quantity', json_build_object('amount', h.amount, 'unit', h.unit),
                 'to', json_build_object('enterprise_id', te.uscc, 'enterprise_name', te.name),
                 'shipment_id', h.ref)
               WHEN 'missing' THEN json_build_object(
                 'state', h.state, 'enterprise_id', h.uscc, 'enterprise_name', h.ename, 'item', h.ref_json,
                 'product', h.product, 'lot_code', h.lot_code, 'codes', h.codes,
                 'quantity', json_build_object('amount', h.amount, 'unit', h.unit),
                 'to', json_build_object('enterprise_id', te.uscc, 'enterprise_name', te.name),
                 'shipment_id', h.ref)
               WHEN 'consumed_into' THEN json_build_object(
                 'state', h.state, 'enterprise_id', h.uscc, 'enterprise_name', h.ename, 'item', h.ref_json,
                 'product', h.product, 'lot_code', h.lot_code, 'codes', h.codes,
                 'quantity', json_build_object('amount', h.amount, 'unit', h.unit),
                 'into', json_build_object('enterprise_id', h.uscc, 'item_id', h.ref, 'kind', 'batch'))
               WHEN 'sold_to_consumers' THEN json_build_object(
                 'state', h.state, 'enterprise_id', h.uscc, 'enterprise_name', h.ename, 'item', h.ref_json,
                 'product', h.product, 'lot_code', h.lot_code, 'codes', h.codes,
                 'quantity', json_build_object('amount', h.amount, 'unit', h.unit),
                 'sales', h.sales, 'customer', json_build_object('kind', 'consumer'))
               WHEN 'at_customer' THEN json_build_object(
                 'state', h.state, 'enterprise_id', h.uscc, 'enterprise_name', h.ename, 'item', h.ref_json,
                 'product', h.product, 'lot_code', h.lot_code, 'codes', h.codes,
                 'quantity', json_build_object('amount', h.amount, 'unit', h.unit),
                 'customer', CASE WHEN h.c_kind = 'enterprise'
                   THEN json_build_object('kind', h.c_kind, 'name', h.c_name, 'uscc', coalesce(h.c_uscc, ''),
                                          'region', coalesce(h.c_region, ''))
                   ELSE json_build_object('kind', h.c_kind, 'name',
                                          left(h.c_name, 1) || repeat('*', greatest(char_length(h.c_name) - 1, 1)),
                                          'region', coalesce(h.c_region, '')) END)
               ELSE json_build_object(
                 'state', h.state, 'enterprise_id', h.uscc, 'enterprise_name', h.ename, 'item', h.ref_json,
                 'product', h.product, 'lot_code', h.lot_code, 'codes', h.codes,
                 'quantity', json_build_object('amount', h.amount, 'unit', h.unit))
             END
             ORDER BY h.uscc, h.is_batch DESC, h.n, h.so, h.sub, h.sub_text), '[]'::json)
    FROM holders h LEFT JOIN enterprise te ON te.id = h.to_t),
  'totals', json_build_object(
    'codes', (SELECT coalesce(sum(h.codes), 0)::bigint FROM holders h WHERE h.state <> 'consumed_into'),
    'quantity', (SELECT coalesce(json_agg(json_build_object('amount', x.amount, 'unit', x.unit) ORDER BY x.unit),
                                 '[]'::json)
                 FROM (SELECT b.unit, sum(b.amount)::bigint AS amount FROM by_unit b
                       WHERE b.state <> 'consumed_into' GROUP BY b.unit) x),
    'by_state', (SELECT coalesce(json_object_agg(s.state, json_build_object('codes', s.codes, 'quantity', s.quantity)
                                                 ORDER BY s.state), '{}'::json)
                 FROM (SELECT b.state, sum(b.codes)::bigint AS codes,
                              json_agg(json_build_object('amount', b.amount, 'unit', b.unit) ORDER BY b.unit) AS quantity
                       FROM by_unit b GROUP BY b.state) s)),
  'batches', (SELECT coalesce(json_agg(i.label ORDER BY i.uscc, i.n), '[]'::json) FROM items i WHERE i.is_batch),
  'items', (SELECT coalesce(json_agg(i.full_item ORDER BY i.uscc, i.is_batch DESC, i.n), '[]'::json) FROM items i))
END);
END
$$;

CREATE FUNCTION lineage_backward(t0 smallint, item0 text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN RETURN (
WITH items AS (
  SELECT r.t, r.item, e.uscc, r.item LIKE 'b-%' AS is_batch, item_order(r.item) AS n,
         json_build_object('enterprise_id', e.uscc, 'enterprise_name', e.name, 'item_id', r.item,
                           'kind', CASE WHEN r.item LIKE 'b-%' THEN 'batch' ELSE 'lot' END,
                           'product', l.product, 'lot_code', l.lot_code, 'from', l.from_refs) AS full_item
  FROM lineage_reach(t0, item0, false) r
  JOIN enterprise e ON e.id = r.t
  CROSS JOIN LATERAL lineage_label(r.t, r.item) l
)
SELECT json_build_object(
  'item', (SELECT i.full_item FROM items i WHERE i.t = t0 AND i.item = item0),
  'upstream', (SELECT coalesce(json_agg(i.full_item ORDER BY i.uscc, i.is_batch DESC, i.n), '[]'::json)
               FROM items i WHERE NOT (i.t = t0 AND i.item = item0)))
FROM (SELECT 1) one
WHERE EXISTS (SELECT 1 FROM items i WHERE i.t = t0 AND i.item = item0));
END
$$;
