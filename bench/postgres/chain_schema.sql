-- PostgreSQL 15 baseline for the circulation-end recall benchmark (bench/chain_recall.py): the
-- facts of a multi-enterprise chain, loaded with COPY from what the benchmark seeded through the
-- AgriTrace API (farm -> processing plant -> wholesaler -> shops -> consumers).
-- Design, as a competent PostgreSQL schema would do it (same conventions as schema.sql):
--  * every row is owned by an enterprise; the enterprise is a smallint surrogate that leads
--    every key, ids are the API's ids (text, 'lot-3', 'sh-12'), unique per enterprise;
--  * a stock item is an own batch ('b-N') or a lot ('lot-N': purchase receipt or goods received
--    by scan), one table with a kind, as the API treats them alike;
--  * the lineage edges are what the recall walks: consumption (lot -> batch of the same
--    enterprise), shipment (item -> customer enterprise) and receipt (shipment -> the receiving
--    enterprise's lot); each edge has a covering index on the column the walk arrives by, so a
--    hop is one index(-only) probe;
--  * consumed and shipped quantities are NOT stored on the item: they are SUMs over the edges
--    (normalised), served by the same covering indexes;
--  * a retail sale (R-4.3.4) is its own table (one row per sale to a consumer), indexed by the
--    item it was sold from.
DROP TABLE IF EXISTS retail_sale, receipt, shipment, sales_order, consumption, item, enterprise;

CREATE TABLE enterprise (
  id     smallint PRIMARY KEY,
  uscc   text NOT NULL UNIQUE,
  name   text NOT NULL,
  region text NOT NULL
);

CREATE TABLE item (
  enterprise_id   smallint NOT NULL REFERENCES enterprise,
  id              text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('batch', 'lot')),
  product         text NOT NULL,
  lot_code        text NOT NULL,
  quantity        bigint NOT NULL,  -- produced (batch) or received (lot), base unit
  unit            text NOT NULL,
  production_date date NOT NULL,
  expiry_date     date,
  PRIMARY KEY (enterprise_id, id)
);

-- lot -> batch of the same enterprise (one row per batch and lot, quantities summed).
CREATE TABLE consumption (
  enterprise_id smallint NOT NULL,
  lot_id        text NOT NULL,
  batch_id      text NOT NULL,
  quantity      bigint NOT NULL,
  PRIMARY KEY (enterprise_id, lot_id, batch_id) INCLUDE (quantity),  -- the forward hop, covering
  FOREIGN KEY (enterprise_id, lot_id) REFERENCES item,
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES item
);

CREATE TABLE sales_order (
  enterprise_id smallint NOT NULL,
  id            text NOT NULL,
  item_id       text NOT NULL,
  customer_name text NOT NULL,
  quantity      bigint NOT NULL,
  shipped       bigint NOT NULL,  -- maintained with each shipment, as a team would
  status        text NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, item_id) REFERENCES item
);

-- One scan that left an item for a customer enterprise (ship_to_enterprise: registered on the
-- platform, so its receipts continue the lineage).
CREATE TABLE shipment (
  enterprise_id      smallint NOT NULL,
  id                 text NOT NULL,
  so_id              text NOT NULL,
  item_id            text NOT NULL,
  ship_date          date NOT NULL,
  ship_to_enterprise smallint REFERENCES enterprise,
  customer_name      text NOT NULL,
  customer_uscc      text,
  quantity           bigint NOT NULL,
  unit               text NOT NULL,
  code_count         integer NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, so_id) REFERENCES sales_order,
  FOREIGN KEY (enterprise_id, item_id) REFERENCES item
);

-- Goods received by scan: the receiving enterprise's receipt of (part of) a shipment, into a lot.
CREATE TABLE receipt (
  enterprise_id   smallint NOT NULL,
  id              text NOT NULL,
  lot_id          text NOT NULL,
  from_enterprise smallint NOT NULL,
  shipment_id     text NOT NULL,
  received_on     date NOT NULL,
  quantity        bigint NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, lot_id) REFERENCES item,
  FOREIGN KEY (from_enterprise, shipment_id) REFERENCES shipment
);

-- R-4.3.4: a sale to a consumer (customer unnamed or an individual; voucher optional).
CREATE TABLE retail_sale (
  enterprise_id   smallint NOT NULL,
  id              text NOT NULL,  -- the sale's shipment id
  so_id           text NOT NULL,
  item_id         text NOT NULL,
  sold_on         date NOT NULL,
  quantity        bigint NOT NULL,
  unit            text NOT NULL,
  customer_name   text,
  customer_region text,
  payment_voucher text,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, item_id) REFERENCES item
);

-- The edges the walk arrives by, covering (index-only probes after VACUUM).
CREATE INDEX consumption_by_batch ON consumption (enterprise_id, batch_id) INCLUDE (lot_id, quantity);
CREATE INDEX sales_order_by_item ON sales_order (enterprise_id, item_id) INCLUDE (id, status, quantity, shipped);
CREATE INDEX shipment_by_item ON shipment (enterprise_id, item_id)
  INCLUDE (id, so_id, ship_to_enterprise, quantity, ship_date);
CREATE INDEX shipment_by_receiver ON shipment (ship_to_enterprise);
CREATE INDEX receipt_by_shipment ON receipt (from_enterprise, shipment_id) INCLUDE (enterprise_id, lot_id, quantity);
CREATE INDEX receipt_by_lot ON receipt (enterprise_id, lot_id);
CREATE INDEX retail_sale_by_item ON retail_sale (enterprise_id, item_id)
  INCLUDE (id, so_id, sold_on, quantity, payment_voucher);
