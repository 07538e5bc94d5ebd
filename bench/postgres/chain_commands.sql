-- PostgreSQL 15 baseline for the circulation-end COMMANDS of bench/chain_recall.py (R-4.3.2
-- receive by scan, ship by scan, R-4.3.4 retail sale): the same scans, with the same serials, in
-- the same order as the AgriTrace run, each one durable transaction (synchronous_commit = on,
-- fsync = on, full_page_writes = on). Schema `cmd`, beside the recall's tables (chain_schema.sql),
-- so the recall's facts are not disturbed.
-- Design, as a competent team would write it for this workload:
--  * `code` is every trace code where it is now (primary key = the serial, what a scan names):
--    its holder enterprise and stock item, its state (held / shipped / sold) and, while shipped,
--    the shipment and its recipient; a scan checks and moves it by primary-key probes;
--  * the movements are kept as history (the trace needs them): a shipment header and one row per
--    shipped code, a receipt header and one row per received code, with foreign keys to their
--    header; a retail sale is a sales order + a shipment (retail, voucher) + its code row, as
--    AgriTrace records it;
--  * a sales order's shipped quantity is maintained with each shipment (checked against the
--    ordered quantity).
-- The driver (bench/chain_recall.py, class PgCommands) sends each request to one long-running
-- psql over a unix socket, as BEGIN; EXECUTE <one prepared statement> \gset; COMMIT if it says
-- ok, else ROLLBACK. The statement (data-modifying CTEs) is the check and the work: the UPDATE of
-- the scanned codes, conditional on where each must be (shipped to the receiver and not yet
-- received / held by the shipper in the order's item and not shipped / held by the shop and not
-- sold), locks and moves them; the header and the per-code rows are inserted only if EVERY
-- scanned code qualified (and, for a shipment, the order has that much left).
DROP SCHEMA IF EXISTS cmd CASCADE;
CREATE SCHEMA cmd;

CREATE TABLE cmd.sales_order (
  enterprise_id smallint NOT NULL,
  id            text NOT NULL,
  item_id       text NOT NULL,
  customer_name text NOT NULL,
  quantity      bigint NOT NULL,
  shipped       bigint NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'partially_shipped', 'shipped')),
  PRIMARY KEY (enterprise_id, id)
);

CREATE TABLE cmd.code (
  serial      text PRIMARY KEY,
  holder      smallint NOT NULL,  -- the enterprise holding it (the shipper while shipped)
  item_id     text NOT NULL,      -- the holder's batch or lot
  per_code    bigint NOT NULL,    -- quantity per code, base unit
  state       text NOT NULL CHECK (state IN ('held', 'shipped', 'sold')),
  shipment_id text,               -- the shipment that moved it last
  ship_from   smallint,           -- that shipment's enterprise
  ship_to     smallint            -- the recipient while shipped
);

CREATE TABLE cmd.shipment (
  enterprise_id      smallint NOT NULL,
  id                 text NOT NULL,
  so_id              text NOT NULL,
  item_id            text NOT NULL,
  ship_date          date NOT NULL,
  ship_to_enterprise smallint,
  quantity           bigint NOT NULL,
  code_count         integer NOT NULL,
  retail             boolean NOT NULL,
  payment_voucher    text,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (enterprise_id, so_id) REFERENCES cmd.sales_order
);

CREATE TABLE cmd.shipment_code (
  enterprise_id smallint NOT NULL,
  shipment_id   text NOT NULL,
  serial        text NOT NULL,
  PRIMARY KEY (enterprise_id, shipment_id, serial),
  FOREIGN KEY (enterprise_id, shipment_id) REFERENCES cmd.shipment
);

CREATE TABLE cmd.receipt (
  enterprise_id   smallint NOT NULL,
  id              text NOT NULL,
  lot_id          text NOT NULL,
  from_enterprise smallint NOT NULL,
  shipment_id     text NOT NULL,
  received_on     date NOT NULL,
  quantity        bigint NOT NULL,
  code_count      integer NOT NULL,
  PRIMARY KEY (enterprise_id, id),
  FOREIGN KEY (from_enterprise, shipment_id) REFERENCES cmd.shipment
);

CREATE TABLE cmd.receipt_code (
  enterprise_id smallint NOT NULL,
  receipt_id    text NOT NULL,
  serial        text NOT NULL,
  PRIMARY KEY (enterprise_id, receipt_id, serial),
  FOREIGN KEY (enterprise_id, receipt_id) REFERENCES cmd.receipt
);
