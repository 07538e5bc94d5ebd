-- pgbench: backward lineage of a batch in every enterprise, bench/postgres/lineage.sql.
-- -D tenants=K -D min_batches=N, -M prepared; the same id distribution as batch_ids.txt.
\set t random(1, :tenants)
\set n random(1, :min_batches)
SELECT lineage_backward(:t::smallint, 'b-' || :n::text);
