-- The cross-enterprise lineage in PostgreSQL (issue 11): the same questions AgriTrace's lineage
-- answers (projections::LineageQueries, GET /v1/trace/forward|backward), written as a competent team
-- would, over the facts bench/generate exports: lot -> batches (batch_input), batch -> shipments ->
-- the lot each registered receiver scanned in (received_lot), received lot -> the receiver's
-- repacked batches (repack_input), and so on across any number of enterprises, by a recursive CTE
-- whose every step is an index lookup.
--
-- lineage_forward(t, item): {"items": [...], "holders": [...]} with the members of AgriTrace's
--   answer that the check (bench/compare_lineage.py) compares: every reached item of every
--   enterprise ({enterprise_id, item_id, kind}) and, for every shipment of a reached item to a
--   registered enterprise, the codes and quantity still in transit and those recorded missing at
--   the receipt (state, enterprise_id, item, codes, quantity, to, shipment_id), and what stocktakes
--   wrote off of every reached lot (state written_off, enterprise_id, item, codes, quantity).
-- lineage_backward(t, item): {"upstream": [...]} every ancestor item of every enterprise.
-- Arrays are sorted as AgriTrace sorts them: by enterprise USCC, then "b-" before "lot-", then
-- the number.

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

-- [{enterprise_id, item_id, kind}] of the items (ts[i], items[i]), sorted as AgriTrace sorts.
CREATE OR REPLACE FUNCTION lineage_items(ts smallint[], items text[]) RETURNS json LANGUAGE sql STABLE AS $$
SELECT coalesce(json_agg(json_build_object(
         'enterprise_id', e.uscc, 'item_id', r.item,
         'kind', CASE WHEN r.item LIKE 'b-%' THEN 'batch' ELSE 'lot' END)
       ORDER BY e.uscc, split_part(r.item, '-', 1), item_order(r.item)), '[]'::json)
FROM unnest(ts, items) AS r(t, item) JOIN enterprise e ON e.id = r.t
$$;

CREATE OR REPLACE FUNCTION lineage_forward(t0 smallint, item0 text) RETURNS json LANGUAGE sql STABLE AS $$
WITH reach AS MATERIALIZED (SELECT * FROM lineage_reach(t0, item0, true)),
flows AS (
  SELECT s.enterprise_id AS t, s.batch_id AS item, s.id AS shipment_id, s.ship_to_tenant, s.unit,
         s.quantity_per_code AS qpc, s.quantity / s.quantity_per_code AS shipped,
         coalesce(rc.received, 0) AS received, coalesce(rc.missing, 0) AS missing
  FROM reach r
  JOIN shipment s ON s.enterprise_id = r.t AND s.batch_id = r.item AND s.ship_to_tenant IS NOT NULL
  LEFT JOIN received_lot rl ON rl.from_enterprise_id = s.enterprise_id AND rl.shipment_id = s.id
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE NOT c.missing) AS received, count(*) FILTER (WHERE c.missing) AS missing
    FROM receipt_code c WHERE c.enterprise_id = rl.enterprise_id AND c.lot_id = rl.lot_id) rc ON true
),
holders AS (
  SELECT 'in_transit' AS state, 1 AS state_order, f.*, f.shipped - f.received - f.missing AS codes FROM flows f
  WHERE f.shipped - f.received - f.missing > 0
  UNION ALL
  SELECT 'missing', 2, f.*, f.missing FROM flows f WHERE f.missing > 0
),
written_off AS (
  SELECT w.enterprise_id AS t, w.lot_id AS item, w.unit, sum(w.amount) AS amount
  FROM reach r JOIN write_off w ON w.enterprise_id = r.t AND w.lot_id = r.item
  GROUP BY w.enterprise_id, w.lot_id, w.unit
)
SELECT json_build_object(
  'items', (SELECT lineage_items(array_agg(r.t), array_agg(r.item)) FROM reach r),
  'holders', (
    SELECT coalesce(json_agg(json_build_object(
             'state', h.state, 'enterprise_id', e.uscc,
             'item', json_build_object('enterprise_id', e.uscc, 'item_id', h.item, 'kind', 'batch'),
             'codes', h.codes, 'quantity', json_build_object('amount', h.codes * h.qpc, 'unit', h.unit),
             'to', json_build_object('enterprise_id', te.uscc), 'shipment_id', h.shipment_id)
           ORDER BY e.uscc, item_order(h.item), h.state_order, item_order(h.shipment_id)), '[]'::json)
    FROM holders h JOIN enterprise e ON e.id = h.t JOIN enterprise te ON te.id = h.ship_to_tenant),
  'written_off', (
    SELECT coalesce(json_agg(json_build_object(
             'state', 'written_off', 'enterprise_id', e.uscc,
             'item', json_build_object('enterprise_id', e.uscc, 'item_id', w.item, 'kind', 'lot'),
             'codes', w.amount / 12, 'quantity', json_build_object('amount', w.amount, 'unit', w.unit))
           ORDER BY e.uscc, item_order(w.item)), '[]'::json)
    FROM written_off w JOIN enterprise e ON e.id = w.t))
$$;

CREATE OR REPLACE FUNCTION lineage_backward(t0 smallint, item0 text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object('upstream', lineage_items(array_agg(r.t), array_agg(r.item)))
FROM lineage_reach(t0, item0, false) r
WHERE NOT (r.t = t0 AND r.item = item0)
$$;
