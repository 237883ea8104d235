#!/usr/bin/env bash
# Ledger benchmarks (audit-service), each printing medians and the ratio to its peer or limit measured in the same run:
#   append  durable appends/s through the event bus (checkpoints every second) vs raw batched INSERTs of the same rows
#           with the same client into the same PostgreSQL
#   verify  offline verification of a 1M-entry bundle and segment, entries/s
#   proof   inclusion and consistency proof latency at a 10M-entry tree
#   search  search latency (tenant, action, actor, request id, time range, deep pages) at 10M entries
#
#   ./mvnw -q -DskipTests install && bench/ledger.sh [append|verify|proof|search|all]     (RUNS=3 ENTRIES=... to change)
#
# Needs a PostgreSQL on 127.0.0.1:5432 (or TEST_DATABASE_URL); each run makes and drops its own database.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-all}
RUNS=${RUNS:-3}
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
./mvnw -q -pl audit-service org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="audit-service/target/test-classes:audit-service/target/classes:$(cat "$cp_file")"
[ -d audit-service/target/test-classes/io/bulwark/audit/bench ] || { echo "bench: build first: ./mvnw -q -DskipTests install" >&2; exit 2; }
run() {
  java -Xmx3g -Druns="$RUNS" ${ENTRIES:+-Dentries=$ENTRIES} -Dlogback.configurationFile=bench/logback-quiet.xml -cp "$cp" \
    io.bulwark.audit.bench.LedgerBench "$1" 2>&1 | grep -E "^(run|append|verify|proof|search|Exception|Caused|ERROR)"
}
case "$mode" in
  all) run append; run verify; run proof; run search ;;
  append|verify|proof|search) run "$mode" ;;
  *) echo "usage: bench/ledger.sh [append|verify|proof|search|all]" >&2; exit 2 ;;
esac
