#!/usr/bin/env bash
# Throughput of the audit slice — POST /v1/events through gateway, event bus and audit-service to a committed row —
# against the physical limit measured in the same run: PostgreSQL committing the same append transaction, driven by
# pgbench over as many connections as audit-service's pool has. Runs alternate so machine noise hits both; medians are reported.
#
#   ./mvnw -q -DskipTests package && bench/slice.sh            (RUNS=5 DURATION=10 CONNECTIONS=16 to change)
#
# Needs: a PostgreSQL on 127.0.0.1:5432 that trusts user postgres (PGHOST/PGPORT/PGUSER to change), wrk, pgbench.
# Traffic goes to loopback only; every load step is bounded by DURATION.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
# PostgreSQL gets as many connections as audit-service's pool has (BULWARK_DB_POOL_SIZE, default 8)
PG_CLIENTS=${PG_CLIENTS:-8}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
HTTP_PORT=${BENCH_HTTP_PORT:-18080}
MGMT_BASE=${BENCH_MANAGEMENT_BASE:-19080}
JAR=suite/target/bulwark-suite.jar

for tool in wrk pgbench psql java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done
[ -f "$JAR" ] || { echo "bench: $JAR missing; build it with ./mvnw -q -DskipTests package" >&2; exit 2; }

db="bench_slice_$$"
work=$(mktemp -d)
suite_pid=""
cleanup() {
  [ -n "$suite_pid" ] && kill "$suite_pid" 2>/dev/null && wait "$suite_pid" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null
psql -q -d "$db" -c "CREATE TABLE bench_entries (idx bigint PRIMARY KEY, idempotency_id text NOT NULL UNIQUE,
  entry bytea NOT NULL, leaf_hash bytea NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())" >/dev/null

export BENCH_ADMIN_KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db" BULWARK_ADMIN_KEYS="$BENCH_ADMIN_KEY" \
  GATEWAY_HTTP_PORT=$HTTP_PORT GATEWAY_MANAGEMENT_PORT=$MGMT_BASE AUDIT_MANAGEMENT_PORT=$((MGMT_BASE + 1)) \
  BACKUP_MANAGEMENT_PORT=$((MGMT_BASE + 2)) ALERT_MANAGEMENT_PORT=$((MGMT_BASE + 3)) \
  java -jar "$JAR" > "$work/suite.log" 2>&1 &
suite_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$MGMT_BASE/ready" >/dev/null && curl -sf "http://127.0.0.1:$((MGMT_BASE + 1))/ready" >/dev/null && break
  kill -0 "$suite_pid" 2>/dev/null || { echo "bench: the suite exited:" >&2; tail -5 "$work/suite.log" >&2; exit 1; }
  sleep 0.5
done

url="http://127.0.0.1:$HTTP_PORT/v1/events"
wrk -t2 -c"$CONNECTIONS" -d3s -s bench/post-event.lua "$url" >/dev/null   # warm-up (JIT, pools)

slice=(); limit=(); total=0
for run in $(seq 1 "$RUNS"); do
  tps=$(pgbench -n -M prepared -c "$PG_CLIENTS" -j 2 -T "$DURATION" -f bench/pg-append.sql "$db" 2>/dev/null \
    | awk '/^tps = / {print $3; exit}')
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/post-event.lua "$url")
  line=$(echo "$out" | grep '^RESULT')
  rps=$(echo "$line" | sed 's/.*rps=\([0-9.]*\).*/\1/')
  bad=$(echo "$line" | sed 's/.*non2xx=\([0-9]*\) errors=\([0-9]*\).*/\1+\2/')
  total=$((total + $(echo "$out" | awk '/requests in/ {print $1}')))
  printf 'run %d: PostgreSQL append %8.1f tx/s | slice %8.1f req/s (%s) | ratio %.3f\n' \
    "$run" "$tps" "$rps" "$line" "$(awk -v a="$rps" -v b="$tps" 'BEGIN {print a / b}')"
  slice+=("$rps"); limit+=("$tps")
  [ "$bad" = "0+0" ] || { echo "bench: failed requests in run $run ($bad)" >&2; exit 1; }
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms=$(median "${slice[@]}"); ml=$(median "${limit[@]}")
# since the gateway issue every request's auth decision is a ledger entry too (through the spool): count the events
rows=$(psql -At -d "$db" -c "SELECT count(*) FROM audit.entries WHERE action NOT LIKE 'auth.%'")
decisions=$(psql -At -d "$db" -c "SELECT count(*) FROM audit.entries WHERE action = 'auth.success'")
echo "median over $RUNS runs, ${DURATION}s each; wrk $CONNECTIONS connections, pgbench $PG_CLIENTS clients:"
printf '  PostgreSQL append transaction (physical limit): %.1f tx/s\n' "$ml"
printf '  audit slice through the suite:                  %.1f req/s\n' "$ms"
printf '  ratio slice / limit:                            %.3f\n' "$(awk -v a="$ms" -v b="$ml" 'BEGIN {print a / b}')"
echo "  ledger rows: $rows events (every 201 is a committed row: $((total)) measured requests plus warm-up)"
echo "               $decisions auth decisions recorded through the spool (one per request, written after it)"
