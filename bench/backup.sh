#!/usr/bin/env bash
# backup-service against bare PostgreSQL tools, in one run on one generated database of about 1 GB (a ledger of ENTRIES
# entries that really verifies, written as audit-service writes them, plus padding tables in schema bench_padding):
#   backup  pg_dump -Fc --file (the peer) vs a Bulwark backup over the bus (bulwark.backup.run, wait): pg_dump in an
#           exported snapshot, the manifest's facts, SHA-256 and AES-256-GCM into storage         goal: <= 1.10x
#   drill   pg_restore --single-transaction of that dump into a fresh database (the peer) vs a Bulwark restore drill
#           (bulwark.backup.check kind drill, wait): checksum, decryption, pg_restore into a scratch database, migration
#           heads, full ledger verification against the manifest's checkpoint, exact row counts, drop   goal: <= 2.0x
# Peer and Bulwark alternate in order run by run; each is warmed up once, unmeasured (the warm-up drill must verify the
# whole ledger, or the bench fails). Prints each run, the medians and ratios, the sizes, the drill's steps, and a
# profile of the backup's extra time (PROFILE=0 to skip).
#
#   ./mvnw -q -DskipTests install && bench/backup.sh        RUNS=3 ENTRIES=1000000 to change; PADDING_MB=n for a fixed
#       padding instead of filling the database up to TARGET_MB=1024 (padding at least a tenth of it); BENCH_JAVA_OPTS="-XX:StartFlightRecording=..."
#       to profile the JVM; MVN="mvn -o -Dmaven.repo.local=..." to build the classpath with another Maven
#
# Needs a PostgreSQL on 127.0.0.1:5432 that trusts user postgres (or TEST_DATABASE_URL), and pg_dump / pg_restore of at
# least its major version (PATH, /usr/lib/postgresql/*/bin or BULWARK_PG_BIN_DIR); about 4x the database size of free
# disk. The run makes and drops its own databases and temporary directories, also when it fails or is interrupted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-3}
ENTRIES=${ENTRIES:-1000000}
TARGET_MB=${TARGET_MB:-1024}
PROFILE=${PROFILE:-1}
MVN=${MVN:-./mvnw}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
cp_file=$(mktemp)
state=$(mktemp)
java_pid=
cleanup() {
  # stop the bench if it still runs (the script was interrupted), then drop and remove what it created, in case it could
  # not clean up itself (killed, out of memory)
  if [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true
    wait "$java_pid" 2>/dev/null || true
  fi
  while read -r kind what; do
    case "$kind" in
      db) psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$what\" WITH (FORCE)" >/dev/null 2>&1 || true ;;
      dir) [ -n "$what" ] && rm -rf -- "$what" ;;
    esac
  done < "$state"
  rm -f "$cp_file" "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
$MVN -q -pl suite org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
cp="suite/target/test-classes:suite/target/classes:$(cat "$cp_file")"
[ -f suite/target/test-classes/io/bulwark/suite/bench/BackupBench.class ] || { echo "bench: build first: ./mvnw -q -DskipTests install" >&2; exit 2; }
java -Xmx3g ${BENCH_JAVA_OPTS:-} -Druns="$RUNS" -Dentries="$ENTRIES" -DtargetMb="$TARGET_MB" ${PADDING_MB:+-DpaddingMb=$PADDING_MB} \
  -Dprofile="$([ "$PROFILE" = 0 ] && echo false || echo true)" -DstateFile="$state" \
  -Dlogback.configurationFile=bench/logback-quiet.xml -cp "$cp" io.bulwark.suite.bench.BackupBench \
  > >(grep --line-buffered -E "^(run|backup|drill|profile|Exception|Caused|ERROR|\s+at io\.bulwark)") 2>&1 &
java_pid=$!
status=0
wait "$java_pid" || status=$?
java_pid=
exit "$status"
