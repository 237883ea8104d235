#!/usr/bin/env bash
# Alert intake against a real Alertmanager 0.25 (Debian prometheus-alertmanager), in one run on loopback: the same
# Alertmanager v2 alert arrays (BATCHES alerts per POST, every alert a label set never sent before, CONCURRENCY
# clients posting back to back for DURATION seconds) to
#   alertmanager  POST /api/v2/alerts of an Alertmanager routing everything to a webhook that nobody serves
#                 (group_wait 1h, so it does no notification work while measured)
#   bulwark       POST /api/v2/alerts on alert-service's management port (the suite jar), where each new alert is a row
#                 in PostgreSQL and a notification to the log receiver
# alerts/s per run and the medians over RUNS, with Bulwark's ratio to Alertmanager (goal >= 1.0x). Then the latency
# from an alert's startsAt to its notification, from alert-service's bulwark_alert_notification_latency_seconds (the
# log receiver, so it measures Bulwark's own path: intake, row, dispatcher, outbox, delivery). With every alert new
# (ACTIVE=0) and pgbench installed, last the physical limit: pgbench writing the two rows a new alert costs (its alert
# row and its ledger entry, bench/alerts-pg-limit.sql) into copies of the tables, same batches and clients.
#
#   ./mvnw -q -DskipTests install && bench/alerts.sh
#       RUNS=3 DURATION=10 WARMUP=5 CONCURRENCY=8 BATCHES=10,100 to change; TARGETS=alertmanager to leave Bulwark out;
#       WARMUP_BULWARK=20: seconds of unmeasured load on Bulwark first (at least WARMUP), for its JIT to settle;
#       SEVERITY=info for alerts no inhibition rule targets (default warning, which the critical->warning rule does);
#       ACTIVE=N to cycle through N label sets instead (a Prometheus resending its N firing alerts: after the first round
#       every alert is a refresh; default 0, every alert new);
#       RECEIVERS=quiet (default: Bulwark's route waits an hour before it sends, as the Alertmanager's does, so neither
#       does notification work while measured) or RECEIVERS=builtin (the built-in log receiver: group_wait 0s, 1m interval)
#       (the driver needs only the JDK: its classpath is suite/target/test-classes)
#
# Needs prometheus-alertmanager, psql, curl, java; a PostgreSQL on 127.0.0.1:5432 that trusts user postgres. The run
# makes and drops its own database, starts and stops its own Alertmanager and suite on ports of its own, sends to
# loopback only and bounds every step by DURATION. Exits 1 when a measured step had a failed post.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
WARMUP_BULWARK=${WARMUP_BULWARK:-$(( WARMUP > 20 ? WARMUP : 20 ))}
CONCURRENCY=${CONCURRENCY:-8}
BATCHES=${BATCHES:-10,100}
TARGETS=${TARGETS:-alertmanager,bulwark}
SEVERITY=${SEVERITY:-warning}
RECEIVERS=${RECEIVERS:-quiet}
ACTIVE=${ACTIVE:-0}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
AM_PORT=${BENCH_ALERTMANAGER_PORT:-19293}
HTTP_PORT=${BENCH_HTTP_PORT:-19279}
MGMT_BASE=${BENCH_MANAGEMENT_BASE:-19280}
JAR=${BENCH_JAR:-suite/target/bulwark-suite.jar}
ALERTMANAGER=$(command -v prometheus-alertmanager || command -v alertmanager || true)

for tool in psql curl java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done
[ -n "$ALERTMANAGER" ] || { echo "bench: no Alertmanager (apt-get install prometheus-alertmanager)" >&2; exit 2; }
[ -f "$JAR" ] && [ -f suite/target/test-classes/io/bulwark/suite/bench/AlertIntakeBench.class ] \
  || { echo "bench: build first: ./mvnw -q -DskipTests install" >&2; exit 2; }
for port in "$AM_PORT" "$HTTP_PORT" "$MGMT_BASE" $((MGMT_BASE + 1)) $((MGMT_BASE + 2)) $((MGMT_BASE + 3)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "bench: port $port is already taken" >&2; exit 2; fi
done

db="bench_alerts_$$"
work=$(mktemp -d)
am_pid="" suite_pid="" java_pid=""
stop() { # TERM, then KILL after 20 s: a suite whose event loop is saturated may not finish its graceful stop
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop "$java_pid"; stop "$suite_pid"; stop "$am_pid"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # what url pid
  for _ in $(seq 1 120); do
    curl -sf --max-time 2 -o /dev/null "$2" && return 0
    kill -0 "$3" 2>/dev/null || { echo "bench: $1 exited:" >&2; tail -20 "$work/$1.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "bench: $1 not up after 60 s" >&2; exit 1
}

targets=""
if [[ ",$TARGETS," == *",alertmanager,"* ]]; then
  cat > "$work/alertmanager.yml" <<EOF
route: {receiver: nowhere, group_by: [alertname], group_wait: 1h, group_interval: 1h, repeat_interval: 24h}
receivers:
  - name: nowhere
    webhook_configs: [{url: "http://127.0.0.1:9/unused"}]
EOF
  "$ALERTMANAGER" --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=warn > "$work/alertmanager.log" 2>&1 &
  am_pid=$!
  wait_for alertmanager "http://127.0.0.1:$AM_PORT/-/ready" "$am_pid"
  targets="alertmanager=http://127.0.0.1:$AM_PORT"
fi
if [[ ",$TARGETS," == *",bulwark,"* ]]; then
  psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null
  receivers_file="" # empty: the built-in receivers
  case "$RECEIVERS" in
    quiet)
      receivers_file="$work/receivers.yaml"
      cat > "$receivers_file" <<EOF
route: {receiver: log, group_by: [alertname], group_wait: 1h, group_interval: 1h, repeat_interval: 24h}
receivers:
  - {name: log, kind: log}
EOF
      ;;
    builtin) ;;
    *) echo "bench: RECEIVERS must be quiet or builtin" >&2; exit 2 ;;
  esac
  admin_key="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db" BULWARK_ADMIN_KEYS="$admin_key" BULWARK_DATA_DIR="$work/data" \
    GATEWAY_HTTP_PORT=$HTTP_PORT GATEWAY_MANAGEMENT_PORT=$MGMT_BASE AUDIT_MANAGEMENT_PORT=$((MGMT_BASE + 1)) \
    BACKUP_MANAGEMENT_PORT=$((MGMT_BASE + 2)) ALERT_MANAGEMENT_PORT=$((MGMT_BASE + 3)) \
    BULWARK_ALERT_MAX_OPEN=1000000 BULWARK_ALERT_RECEIVERS_FILE="$receivers_file" \
    java ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=bench/logback-quiet.xml -jar "$JAR" > "$work/suite.log" 2>&1 &
  suite_pid=$!
  wait_for suite "http://127.0.0.1:$((MGMT_BASE + 3))/ready" "$suite_pid"
  targets="${targets:+$targets,}bulwark=http://127.0.0.1:$((MGMT_BASE + 3))"
fi
[ -n "$targets" ] || { echo "bench: TARGETS names neither alertmanager nor bulwark" >&2; exit 2; }

echo "bench: $TARGETS, batches $BATCHES, active label sets ${ACTIVE/#0/unbounded (all new)}, $CONCURRENCY clients, $DURATION s a step, $RUNS runs, $(nproc) CPUs"
status=0
java -Xmx1g -Dtargets="$targets" -Dbatches="$BATCHES" -Dconcurrency="$CONCURRENCY" -Dduration="$DURATION" \
  -Druns="$RUNS" -Dwarmup="$WARMUP" -DwarmupBulwark="$WARMUP_BULWARK" -Dseverity="$SEVERITY" -Dactive="$ACTIVE" -cp suite/target/test-classes \
  io.bulwark.suite.bench.AlertIntakeBench &
java_pid=$!
wait "$java_pid" || status=$?
java_pid=

if [ -n "$suite_pid" ] && [ "$ACTIVE" = 0 ] && command -v pgbench >/dev/null; then
  # the physical limit for new alerts on this machine: PostgreSQL alone writing the two rows each new alert costs
  # (its alert row and its ledger entry), with the suite and the Alertmanager idle beside it
  psql -q -d "$db" -v ON_ERROR_STOP=1 >/dev/null <<'EOF'
CREATE SCHEMA pglimit;
CREATE TABLE pglimit.alerts (LIKE alert.alerts INCLUDING ALL);
CREATE TABLE pglimit.entries (LIKE audit.entries INCLUDING ALL);
CREATE SEQUENCE pglimit.idx;
EOF
  for b in ${BATCHES//,/ }; do
    rates=()
    for r in $(seq 1 "$RUNS"); do
      tps=$(pgbench -n -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -c "$CONCURRENCY" -j 2 -T "$DURATION" -D batch="$b" \
        -f bench/alerts-pg-limit.sql "$db" 2>"$work/pgbench.log" | awk '/^tps/ { print $3; exit }') || true
      [ -n "$tps" ] || { echo "bench: pgbench failed:" >&2; head -5 "$work/pgbench.log" >&2; status=1; break 2; }
      rates+=("$(awk -v t="$tps" -v b="$b" 'BEGIN { printf "%.0f", t * b }')")
      echo "run $r postgres-limit batch $(printf '%4d' "$b") $(printf '%9d' "${rates[-1]}") alerts/s (2 rows each)"
    done
    printf '%s\n' "${rates[@]}" | sort -n | awk -v b="$b" '{ v[NR] = $1 } END {
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "median postgres-limit batch %4d %9.0f alerts/s\n", b, m }'
  done
fi

if [ -n "$suite_pid" ]; then
  # let the dispatcher catch up, then read the latency histogram (seconds from startsAt to delivery)
  sleep "${SETTLE:-5}"
  curl -sf --max-time 10 "http://127.0.0.1:$((MGMT_BASE + 3))/metrics" > "$work/alert.metrics" || true
  awk -v name=bulwark_alert_notification_latency_seconds '
    index($0, name "_bucket") == 1 { split($0, a, "le=\""); split(a[2], b, "\""); le[n] = b[1]; c[n++] = $NF }
    index($0, name "_count") == 1 { count += $NF }  index($0, name "_sum") == 1 { sum += $NF }
    END {
      if (count == 0) { print "latency: no notifications recorded"; exit }
      printf "latency startsAt -> notification: %d notifications, mean %.3f s", count, sum / count
      split("0.5 0.99", qs, " ")
      for (q in qs) { for (i = 0; i < n; i++) if (c[i] >= qs[q] * count) { printf ", p%g <= %s s", qs[q] * 100, le[i]; break } }
      print ""
    }' "$work/alert.metrics"
  grep -E '^bulwark_alert_(notifications_total|intake_alerts_total)' "$work/alert.metrics" || true
fi
exit "$status"
