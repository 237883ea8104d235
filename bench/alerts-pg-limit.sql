-- pgbench transaction: what PostgreSQL alone takes for :batch new alerts, each one row shaped like alert.alerts (same
-- columns, defaults and indexes) and one ledger entry shaped like audit.entries (a ~450-byte entry, its 32-byte hash and
-- the columns the ledger writer fills), committed together; the writer's Merkle tiles are left out, so this is a bound. The tables are copies in a scratch schema (no triggers), made by bench/alerts.sh.
BEGIN;
INSERT INTO pglimit.alerts (id, fingerprint, rule, source, severity, state, labels, annotations, active_at, started_at,
                            firing_at, ends_at, version, updated_at)
  SELECT gen_random_uuid(), md5(random()::text || g), 'BenchAlert', 'external', 'warning', 'firing',
         jsonb_build_object('alertname', 'BenchAlert', 'severity', 'warning', 'service', 'bench',
                            'instance', 'bench-' || md5(random()::text), 'shard', (g % 16)::text),
         jsonb_build_object('summary', 'bench alert ' || g, 'generatorURL', 'http://127.0.0.1/graph?g0.expr=bench'),
         now(), now(), now(), now() + interval '1 hour', 1, now()
  FROM generate_series(1, :batch) g;
INSERT INTO pglimit.entries (idx, idempotency_id, entry, leaf_hash, entry_time, category, tenant, actor, action, outcome,
                             request_id)
  SELECT nextval('pglimit.idx'), 'alert-' || gen_random_uuid(), convert_to(repeat('x', 450), 'UTF8'),
         sha256(convert_to(g::text || random()::text, 'UTF8')), now(), 'system', NULL, 'alert-service', 'alert.firing',
         'success', NULL
  FROM generate_series(1, :batch) g;
COMMIT;
