-- pgbench transaction shaped like one ledger append: the writer's advisory lock, the duplicate check on the
-- idempotency id, the next index, and one insert of a ~300-byte entry with its 32-byte hash, committed.
\set probe random(1, 2000000000)
BEGIN;
SELECT pg_advisory_xact_lock(7);
SELECT idx FROM bench_entries WHERE idempotency_id = 'probe:' || :probe;
SELECT coalesce(max(idx) + 1, 0) AS next FROM bench_entries \gset
INSERT INTO bench_entries (idx, idempotency_id, entry, leaf_hash)
  VALUES (:next, 'req:' || :next, convert_to(repeat('x', 300), 'UTF8'), sha256(convert_to(:next::text, 'UTF8')));
COMMIT;
