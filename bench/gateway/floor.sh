# Sourced by bench/gateway.sh after its runs (it uses that script's variables and proc_ticks): the physical floor of
# Bulwark's traffic path on this machine. Every request Bulwark answers needs, besides its own JVM's work,
#   - one rate-limit script run in Redis: the gateway's own EVALSHA, caught with MONITOR while one request goes
#     through and replayed by redis-benchmark with the same connections;
#   - one ledger row in PostgreSQL: pgbench inserting rows shaped like the run's own audit.entries rows (their mean
#     entry size), FLOOR_BATCH per transaction, into a copy of the table in the bench's database;
#   - the upstream's answer and wrk's request, as the direct runs measured them.
# The CPU each of those takes per request, added up, bounds what the two cores can serve even if the gateway itself
# cost nothing; divided by nginx's rate it says whether the goal (>= 1.0x nginx) fits on this machine at all.

floor_cpu() { # pids... -> "user+system ticks" of these processes now
  proc_ticks "$@" | awk '{print $1 + $2}'
}

floor_pg_cpu() { # -> ticks of the whole PostgreSQL server: every live process, plus what its postmaster reaped of the
  # backends that ended (a pgbench connection's backend exits with it, its time then is in cutime + cstime)
  local postmaster s
  postmaster=$(psql -At -d "$db" -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'" 2>/dev/null \
    | xargs -r -I{} awk '{print $4}' /proc/{}/stat)
  s=$(cat "/proc/$postmaster/stat" 2>/dev/null) || { echo 0; return; }
  echo "$(( $(floor_cpu $(pgrep -d ' ' -x postgres || true)) + $(echo "${s##*) }" | awk '{print $14 + $15}') ))"
}

floor_why() { echo "$1" >> "$work/floor.why"; }

floor_redis() { # -> "ops/s us-per-op" of Redis running the gateway's rate-limit script, or nothing
  local redis_pid line args t0 t1 out ops
  command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null || { floor_why "no redis-benchmark"; return 0; }
  redis_pid=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" INFO server | tr -d '\r' | sed -n 's/^process_id://p')
  [ -n "$redis_pid" ] || { floor_why "Redis did not tell its process id"; return 0; }
  timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" MONITOR > "$work/monitor.txt" 2>/dev/null &
  sleep 0.5
  curl -s --max-time 5 -o /dev/null -H "X-API-Key: $api_key" "${url[bulwark]}" || true
  wait || true
  line=$(grep -m1 -i '"evalsha"' "$work/monitor.txt" || true)
  [ -n "$line" ] || { floor_why "no EVALSHA seen by MONITOR while a request went through Bulwark: $(head -c 300 "$work/monitor.txt")"; return 0; }
  # MONITOR quotes every argument: "EVALSHA" "<sha>" "1" "<key>" "<arg>"... -> the words without their quotes
  args=$(echo "$line" | sed 's/^[^"]*//' | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ')
  t0=$(floor_cpu "$redis_pid")
  out=$(redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -c "$CONNECTIONS" -n "$FLOOR_REDIS_OPS" -q $args 2>/dev/null | tr '\r' '\n' | tail -1)
  t1=$(floor_cpu "$redis_pid")
  ops=$(echo "$out" | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p')
  [ -n "$ops" ] || { floor_why "redis-benchmark said: $out"; return 0; }
  awk -v o="$ops" -v n="$FLOOR_REDIS_OPS" -v t="$((t1 - t0))" -v hz="$tck" 'BEGIN {printf "%.0f %.1f", o, 1e6 * t / hz / n}'
}

floor_ledger() { # -> "rows/s us-per-row" of PostgreSQL inserting ledger rows shaped like this run's, or nothing
  local size t0 t1 out tps
  command -v pgbench >/dev/null || { floor_why "no pgbench"; return 0; }
  size=$(psql -At -d "$db" -c "SELECT coalesce(round(avg(length(entry))), 400) FROM audit.entries" 2>/dev/null || echo 400)
  psql -q -d "$db" -c "CREATE TABLE floor_entries (LIKE audit.entries INCLUDING DEFAULTS INCLUDING INDEXES);
    CREATE SEQUENCE floor_idx" >/dev/null || { floor_why "could not copy audit.entries"; return 0; }
  cat > "$work/floor.sql" <<SQL
INSERT INTO floor_entries (idx, idempotency_id, entry, leaf_hash, entry_time, category, tenant, actor, action, outcome,
                           request_id)
  SELECT nextval('floor_idx'), 'spool:' || gen_random_uuid(), convert_to(repeat('x', $size), 'UTF8'),
         sha256(convert_to(g::text || random()::text, 'UTF8')), now(), 'audit', 'bench', 'key:bench', 'auth.success',
         'success', gen_random_uuid()::text
  FROM generate_series(1, $FLOOR_BATCH) g;
SQL
  t0=$(floor_pg_cpu)
  out=$(pgbench -n -f "$work/floor.sql" -c 8 -j 2 -T "$DURATION" "$db" 2>&1 || true)
  sleep 1 # the backends' exit reaped by the postmaster
  t1=$(floor_pg_cpu)
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  [ -n "$tps" ] || { floor_why "pgbench said: $(echo "$out" | tail -3)"; return 0; }
  awk -v tps="$tps" -v b="$FLOOR_BATCH" -v t="$((t1 - t0))" -v hz="$tck" -v s="$DURATION" \
    'BEGIN {r = tps * b; printf "%.0f %.1f", r, 1e6 * t / hz / (r * s)}'
}

floor_report() { # direct_rps direct_cores wrk_cores nginx_rps nginx_cores
  local redis ledger
  FLOOR_REDIS_OPS=${FLOOR_REDIS_OPS:-400000}
  FLOOR_BATCH=${FLOOR_BATCH:-100}
  redis=$(floor_redis); ledger=$(floor_ledger)
  echo "floor: what the parts every Bulwark request needs cost alone on this machine (same run):"
  if [ -z "$redis" ] || [ -z "$ledger" ]; then
    echo "  not measured: $(cat "$work/floor.why" 2>/dev/null | tr '\n' ' ')"
    return 0
  fi
  awk -v r="$redis" -v l="$ledger" -v d="$1" -v dc="$2" -v wc="$3" -v n="$4" -v nc="$5" -v batch="$FLOOR_BATCH" 'BEGIN {
    split(r, R, " "); split(l, L, " ")
    up = 1e6 * dc / d; wk = 1e6 * wc / d
    total = R[2] + L[2] + up + wk
    printf "  Redis, the gateway'"'"'s rate-limit script: %.0f runs/s, %.1f us of Redis CPU each\n", R[1], R[2]
    printf "  PostgreSQL, one ledger row per request (%d a transaction): %.0f rows/s, %.1f us of PostgreSQL CPU each\n", batch, L[1], L[2]
    printf "  upstream %.1f us and wrk %.1f us per request (direct runs)\n", up, wk
    printf "  sum: %.1f us of CPU per request before the gateway does anything; 2 cores serve at most %.0f req/s that way\n", total, 2e6 / total
    printf "  = %.2fx nginx'"'"'s %.0f req/s: the most Bulwark could reach here if its own work were free\n", 2e6 / total / n, n
    px = 1e6 * nc / n
    printf "  with a proxy as lean as nginx itself (%.1f us per request in the same runs): %.0f req/s = %.2fx nginx\n", px, 2e6 / (total + px), 2e6 / (total + px) / n
  }'
}
