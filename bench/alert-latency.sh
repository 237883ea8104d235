#!/usr/bin/env bash
# Condition to notification through alert-service as it runs, on loopback: the driver (AlertLatencyBench) is a scrape
# target whose bench_condition gauge it turns on and off at random moments, and the webhook receiver; alert-service
# (the suite jar, its own database) scrapes it and evaluates one rule (bench_condition > 0, no `for`) every INTERVAL
# seconds, and notifies a webhook with group_wait 0s. Prints each trial's time to the firing and the resolved
# notification, p50 and max, against the goal: evaluation interval + 1 s.
#
#   ./mvnw -q -DskipTests install && bench/alert-latency.sh          INTERVAL=5 TRIALS=10 to change (INTERVAL=15: defaults)
#
# Needs psql, curl, java; a PostgreSQL on 127.0.0.1:5432 that trusts user postgres. Makes and drops its own database,
# uses ports of its own, and every wait is bounded (three intervals + 5 s a notification).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

INTERVAL=${INTERVAL:-5}
TRIALS=${TRIALS:-10}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DRIVER_PORT=${BENCH_DRIVER_PORT:-19390}
HTTP_PORT=${BENCH_HTTP_PORT:-19379}
MGMT_BASE=${BENCH_MANAGEMENT_BASE:-19380}
JAR=${BENCH_JAR:-suite/target/bulwark-suite.jar}

for tool in psql curl java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done
[ -f "$JAR" ] && [ -f suite/target/test-classes/io/bulwark/suite/bench/AlertLatencyBench.class ] \
  || { echo "bench: build first: ./mvnw -q -DskipTests install" >&2; exit 2; }
for port in "$DRIVER_PORT" "$HTTP_PORT" "$MGMT_BASE" $((MGMT_BASE + 1)) $((MGMT_BASE + 2)) $((MGMT_BASE + 3)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "bench: port $port is already taken" >&2; exit 2; fi
done

db="bench_alert_latency_$$"
work=$(mktemp -d)
suite_pid=""
cleanup() {
  if [ -n "$suite_pid" ]; then
    kill "$suite_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$suite_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$suite_pid" 2>/dev/null || true
  fi
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$work/rules.yaml" <<YAML
rules:
  - name: BenchCondition
    kind: threshold
    severity: critical
    summary: "the bench's condition holds"
    gauge: bench_condition
    op: ">"
    value: 0
YAML
cat > "$work/receivers.yaml" <<YAML
route:
  receiver: bench
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 4h
receivers:
  - name: bench
    kind: webhook
    url: http://127.0.0.1:$DRIVER_PORT/hook
YAML

psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db" BULWARK_DATA_DIR="$work/data" \
  GATEWAY_HTTP_PORT=$HTTP_PORT GATEWAY_MANAGEMENT_PORT=$MGMT_BASE AUDIT_MANAGEMENT_PORT=$((MGMT_BASE + 1)) \
  BACKUP_MANAGEMENT_PORT=$((MGMT_BASE + 2)) ALERT_MANAGEMENT_PORT=$((MGMT_BASE + 3)) \
  BULWARK_ALERT_TARGETS="bench=http://127.0.0.1:$DRIVER_PORT" BULWARK_ALERT_RULES_FILE="$work/rules.yaml" \
  BULWARK_ALERT_RECEIVERS_FILE="$work/receivers.yaml" BULWARK_ALERT_SCRAPE_INTERVAL="${INTERVAL}s" \
  BULWARK_ALERT_EVALUATION_INTERVAL="${INTERVAL}s" BULWARK_BACKUP_SCHEDULE=off BULWARK_BACKUP_DRILL_SCHEDULE=off \
  java ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=bench/logback-quiet.xml -jar "$JAR" > "$work/suite.log" 2>&1 &
suite_pid=$!
for _ in $(seq 1 120); do
  curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$((MGMT_BASE + 3))/ready" && break
  kill -0 "$suite_pid" 2>/dev/null || { echo "bench: the suite exited:" >&2; tail -20 "$work/suite.log" >&2; exit 1; }
  sleep 0.5
done

echo "bench: condition -> notification, scrape and evaluation every $INTERVAL s, $TRIALS trials, $(nproc) CPUs"
java -Dport="$DRIVER_PORT" -Dtrials="$TRIALS" -Dinterval="$INTERVAL" -cp suite/target/test-classes \
  io.bulwark.suite.bench.AlertLatencyBench
