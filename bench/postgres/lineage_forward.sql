-- pgbench: forward lineage (whereabouts in every enterprise) of a lot, bench/postgres/lineage.sql.
-- -D tenants=K -D min_lots=N, -M prepared; the same id distribution as AgriTrace's lot_ids.txt.
\set t random(1, :tenants)
\set n random(1, :min_lots)
SELECT lineage_forward(:t::smallint, 'lot-' || :n::text);
