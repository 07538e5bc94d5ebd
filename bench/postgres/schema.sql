-- PostgreSQL 15 baseline for the trace benchmarks (scripts/bench): the production-end records of
-- AgriTrace in normalised tables, loaded with COPY from `agritrace_bench generate --csv`.
-- Design choices, as a competent PostgreSQL schema would make them:
--  * every record is owned by an enterprise (tenant); the tenant is a smallint surrogate key and
--    leads every primary key, so one tenant's rows cluster in each B-tree;
--  * ids are the API's ids (text, 'b-17'), unique per tenant;
--  * every foreign key has an index whose leading columns are the FK (PostgreSQL does not create
--    them by itself); the two edges the traces walk are covering (INCLUDE quantity), so the
--    consumption edges are answered from the index alone (index-only scans after VACUUM);
--  * consumed quantity of a lot is NOT stored: it is the SUM over batch_input (normalised), served
--    by the covering index on (enterprise_id, lot_id).
DROP TABLE IF EXISTS recall_sample, write_off, repack_input, receipt_code, received_lot, shipment_code, shipment, sales_order, code, batch_document, batch_input, batch, material_lot, purchase_order, counterparty, enterprise;

CREATE TABLE enterprise (
  id     smallint PRIMARY KEY,
  uscc   text NOT NULL UNIQUE,
  name   text NOT NULL,
  region text NOT NULL
);

CREATE TABLE counterparty (
  enterprise_id        smallint NOT NULL REFERENCES enterprise,
  id                   text NOT NULL,
  kind                 text NOT NULL CHECK (kind IN ('enterprise', 'individual')),
  name                 text NOT NULL,
  uscc                 text,
  legal_representative text,
  contact_person       text,
  id_number            text,
  phone                text NOT NULL,
  address              text,
  is_supplier          boolean NOT NULL,
  is_customer          boolean NOT NULL,
  region               text,
  PRIMARY KEY (enterprise_id, id)
);

CREATE TABLE purchase_order (
  enterprise_id   smallint NOT NULL,
  id              text NOT NULL,
  supplier_id     text NOT NULL,
  material        text NOT NULL,
  quantity        bigint NOT NULL,
  unit            text NOT NULL,
  supplier_lot    text NOT NULL,
  production_date date NOT NULL,
  expiry_date     date NOT NULL,
  note            text,
  status          text NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, supplier_id) REFERENCES counterparty
);

CREATE TABLE material_lot (
  enterprise_id     smallint NOT NULL,
  id                text NOT NULL,
  po_id             text NOT NULL,
  supplier_id       text NOT NULL,
  material          text NOT NULL,
  received_quantity bigint NOT NULL,
  unit              text NOT NULL,
  received_on       date NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, po_id) REFERENCES purchase_order,
  FOREIGN KEY (enterprise_id, supplier_id) REFERENCES counterparty
);

CREATE TABLE batch (
  enterprise_id   smallint NOT NULL REFERENCES enterprise,
  id              text NOT NULL,
  product         text NOT NULL,
  lot_code        text NOT NULL,
  quantity        bigint NOT NULL,
  unit            text NOT NULL,
  production_date date NOT NULL,
  expiry_date     date,
  note            text,
  PRIMARY KEY (enterprise_id, id)
);

-- The consumption edge batch <- lot (one row per batch and lot, quantities summed).
CREATE TABLE batch_input (
  enterprise_id smallint NOT NULL,
  batch_id      text NOT NULL,
  lot_id        text NOT NULL,
  quantity      bigint NOT NULL,
  PRIMARY KEY (enterprise_id, batch_id, lot_id),
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES batch,
  FOREIGN KEY (enterprise_id, lot_id) REFERENCES material_lot
);

CREATE TABLE batch_document (
  enterprise_id smallint NOT NULL,
  batch_id      text NOT NULL,
  sha256        text NOT NULL,
  kind          text NOT NULL,
  filename      text NOT NULL,
  media_type    text NOT NULL,
  size_bytes    bigint NOT NULL,
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES batch
);

-- Trace codes (R-4.2.5): one row per generated code (serial = GS1 AI 21, unique per enterprise).
CREATE TABLE code (
  enterprise_id smallint NOT NULL,
  serial        text NOT NULL,
  run_id        text NOT NULL,
  batch_id      text NOT NULL,
  PRIMARY KEY (enterprise_id, serial),
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES batch
);

-- Sales (R-4.2.3). shipped is maintained by the application with each shipment (as a team would,
-- to avoid a SUM per order), status likewise.
CREATE TABLE sales_order (
  enterprise_id   smallint NOT NULL,
  id              text NOT NULL,
  customer_id     text NOT NULL,
  batch_id        text NOT NULL,
  product         text NOT NULL,
  quantity        bigint NOT NULL,
  unit            text NOT NULL,
  production_date date NOT NULL,
  expiry_date     date,
  price_fen       bigint,
  status          text NOT NULL,
  shipped         bigint NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, customer_id) REFERENCES counterparty,
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES batch
);

-- One scan that left: ship_to_tenant is the customer's enterprise when it is on the platform
-- (its own shipments continue the lineage downstream).
CREATE TABLE shipment (
  enterprise_id     smallint NOT NULL,
  id                text NOT NULL,
  so_id             text NOT NULL,
  batch_id          text NOT NULL,
  ship_date         date NOT NULL,
  customer_id       text NOT NULL,
  ship_to_tenant    smallint REFERENCES enterprise,
  quantity          bigint NOT NULL,
  unit              text NOT NULL,
  quantity_per_code bigint NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, so_id) REFERENCES sales_order,
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES batch,
  FOREIGN KEY (enterprise_id, customer_id) REFERENCES counterparty
);

CREATE TABLE shipment_code (
  enterprise_id smallint NOT NULL,
  shipment_id   text NOT NULL,
  serial        text NOT NULL,
  PRIMARY KEY (enterprise_id, shipment_id, serial),
  FOREIGN KEY (enterprise_id, shipment_id) REFERENCES shipment,
  FOREIGN KEY (enterprise_id, serial) REFERENCES code
);

-- Downstream (R-4.3.2): a lot received by scan from another enterprise's shipment, every code of
-- that shipment (received, or missing: shipped and not scanned at the receipt), and the batches
-- the receiver repacked from it (the lineage crosses enterprises through these rows).
CREATE TABLE received_lot (
  enterprise_id      smallint NOT NULL REFERENCES enterprise,
  lot_id             text NOT NULL,
  from_enterprise_id smallint NOT NULL REFERENCES enterprise,
  shipment_id        text NOT NULL,
  received_on        date NOT NULL,
  quantity           bigint NOT NULL,
  unit               text NOT NULL,
  -- the receiver's record of the goods, as scanned in: the shipment's product and the lot code
  -- printed on them, and the quantity each code stands for
  product            text NOT NULL,
  lot_code           text NOT NULL,
  quantity_per_code  bigint NOT NULL,
  PRIMARY KEY (enterprise_id, lot_id),
  FOREIGN KEY (from_enterprise_id, shipment_id) REFERENCES shipment
);

CREATE TABLE receipt_code (
  enterprise_id smallint NOT NULL,
  lot_id        text NOT NULL,
  serial        text NOT NULL,
  missing       boolean NOT NULL,
  PRIMARY KEY (enterprise_id, lot_id, serial),
  FOREIGN KEY (enterprise_id, lot_id) REFERENCES received_lot
);

CREATE TABLE repack_input (
  enterprise_id smallint NOT NULL,
  batch_id      text NOT NULL,
  lot_id        text NOT NULL,
  amount        bigint NOT NULL,
  PRIMARY KEY (enterprise_id, batch_id, lot_id),
  FOREIGN KEY (enterprise_id, batch_id) REFERENCES batch,
  FOREIGN KEY (enterprise_id, lot_id) REFERENCES received_lot
);

-- A stocktake that counted less of a received lot than its stock: the difference written off
-- (a lineage holder, issue 11). The primary key is also the look-up by lot.
CREATE TABLE write_off (
  enterprise_id smallint NOT NULL,
  lot_id        text NOT NULL,
  stocktake_id  text NOT NULL,
  amount        bigint NOT NULL,
  unit          text NOT NULL,
  PRIMARY KEY (enterprise_id, lot_id, stocktake_id),
  FOREIGN KEY (enterprise_id, lot_id) REFERENCES received_lot
);

-- The recall benchmark's sample lots (the same list AgriTrace is timed on): pgbench draws a row
-- number and reads the lot with \gset before the recall query.
CREATE TABLE recall_sample (
  i             integer PRIMARY KEY,
  enterprise_id smallint NOT NULL,
  lot_id        text NOT NULL
);
