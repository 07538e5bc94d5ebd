-- pgbench: the recall of a material lot = its forward lineage in every enterprise; the lot is row i
-- of recall_sample (the list AgriTrace is timed on); that primary-key read is timed too.
\set i random(1, :recall_samples)
SELECT enterprise_id AS t, lot_id AS lot FROM recall_sample WHERE i = :i \gset
SELECT lineage_forward(:t::smallint, :lot);
