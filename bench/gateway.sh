#!/usr/bin/env bash
# The gateway's traffic path against nginx, in one run on loopback, all three targets in front of the same small upstream
# (an nginx of its own answering "ok"):
#   direct   wrk straight at the upstream
#   nginx    nginx as a plain reverse proxy (keep-alive pool to the upstream, no access log)
#   bulwark  the suite jar with a route that takes an API key, checks a Redis rate limit on every request (never
#            rejecting) and hands its auth decision to the audit spool
# First the maximum rate (wrk's closed loop, CONNECTIONS keep-alive connections): requests/s, p50, p99. Then a constant
# rate of half Bulwark's maximum, the same for all three (wrk paced by bench/gateway/load.lua): p50, p99 and the p99
# each proxy adds over direct. Targets alternate within every run, starting with a different one each run, so machine
# noise hits all of them; medians over RUNS are reported. Goals (the issue's): Bulwark >= 1.0x nginx's requests/s, and
# at most 1 ms added p99 over direct at half the maximum rate.
#
#   ./mvnw -q -DskipTests package && bench/gateway.sh
#       RUNS=3 DURATION=10 CONNECTIONS=64 to change the runs; WARMUP=5 (direct, nginx) and WARMUP_BULWARK=20 seconds of
#       load before measuring, which nothing counts (the JIT needs about 15 s of traffic to settle on Bulwark's path)
#       BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/gw.jfr" to profile the suite while it runs
#
# Last, the physical floor (bench/gateway/floor.sh): what the Redis script and the ledger row every request needs, the
# upstream and wrk cost alone here, and so the most any gateway doing that work could serve on these two cores.
#
# Needs: nginx, wrk, psql, curl, java (and redis-benchmark, redis-cli, pgbench for the floor); a PostgreSQL on 127.0.0.1:5432 that trusts user postgres (PGHOST/PGPORT/PGUSER
# to change); a Redis on 127.0.0.1:6379 (REDIS_HOST/REDIS_PORT). The run makes and drops its own database, starts and
# stops its own nginx instances and suite, sends traffic to loopback only, and bounds every load step by DURATION (or
# a warm-up). Exits 1 when a measured run had failed requests or missed its rate; such runs are flagged and left out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-5}
WARMUP_BULWARK=${WARMUP_BULWARK:-20}
THREADS=2
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379}
# ports of their own, so this can run beside bench/slice.sh
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-18181}
PROXY_PORT=${BENCH_PROXY_PORT:-18182}
HTTP_PORT=${BENCH_HTTP_PORT:-18183}
MGMT_BASE=${BENCH_MANAGEMENT_BASE:-19180}
JAR=${BENCH_JAR:-suite/target/bulwark-suite.jar}

for tool in nginx wrk psql curl java pgrep; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done
[ -f "$JAR" ] || { echo "bench: $JAR missing; build it with ./mvnw -q -DskipTests package" >&2; exit 2; }
redis_ping() ( # in a subshell, so a refused connection cannot end the script
  reply=""
  exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || return 1
  printf 'PING\r\n' >&3
  read -r -t 2 reply <&3 || true
  exec 3<&-
  [ "${reply%$'\r'}" = "+PONG" ]
)
redis_ping 2>/dev/null || { echo "bench: no Redis answers PING at $REDIS_HOST:$REDIS_PORT" >&2; exit 2; }
for port in "$UPSTREAM_PORT" "$PROXY_PORT" "$HTTP_PORT" "$MGMT_BASE" $((MGMT_BASE + 1)) $((MGMT_BASE + 2)) $((MGMT_BASE + 3)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "bench: port $port is already taken" >&2; exit 2; fi
done

db="bench_gateway_$$"
work=$(mktemp -d)
upstream_pid="" proxy_pid="" suite_pid=""
stop() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null || true; }
cleanup() {
  stop "$suite_pid"; stop "$proxy_pid"; stop "$upstream_pid"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- the three targets -------------------------------------------------------------------------------------------
start_nginx() { # name template port -> pid of the master (runs in the foreground, so it is our child)
  mkdir -p "$work/$1-tmp"
  sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$3|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" -e "s|@USER@|$(id -un)|g" \
    "bench/gateway/$2" > "$work/$1.conf"
  nginx -e "$work/$1.err" -p "$work" -c "$work/$1.conf" -g 'daemon off;' > "$work/$1.out" 2>&1 &
}
wait_for() { # what url pid
  for _ in $(seq 1 120); do
    curl -sf --max-time 2 -o /dev/null "$2" && return 0
    kill -0 "$3" 2>/dev/null || { echo "bench: $1 exited:" >&2; tail -5 "$work/$1".{out,err,log} 2>/dev/null >&2; exit 1; }
    sleep 0.5
  done
  echo "bench: $1 not up after 60 s" >&2; exit 1
}
start_nginx upstream upstream.conf "$UPSTREAM_PORT"; upstream_pid=$!
wait_for upstream "http://127.0.0.1:$UPSTREAM_PORT/" "$upstream_pid"
start_nginx proxy proxy.conf "$PROXY_PORT"; proxy_pid=$!
wait_for proxy "http://127.0.0.1:$PROXY_PORT/" "$proxy_pid"

psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null
cat > "$work/routes.yaml" <<EOF
routes: [{id: bench, path: /bench, upstream: "http://127.0.0.1:$UPSTREAM_PORT", auth: [api-key], rateLimit: bench, stripPrefix: true}]
EOF
admin_key="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
# one request per microsecond is the most a policy may allow: checked on every request, never reached here
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db" BULWARK_ADMIN_KEYS="$admin_key" BULWARK_DATA_DIR="$work/data" \
  REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT" BULWARK_RATE_LIMITS='{"bench":{"limit":1000000,"period":"1s","scope":"key"}}' \
  BULWARK_ROUTES_FILE="$work/routes.yaml" GATEWAY_HTTP_PORT=$HTTP_PORT GATEWAY_MANAGEMENT_PORT=$MGMT_BASE \
  AUDIT_MANAGEMENT_PORT=$((MGMT_BASE + 1)) BACKUP_MANAGEMENT_PORT=$((MGMT_BASE + 2)) ALERT_MANAGEMENT_PORT=$((MGMT_BASE + 3)) \
  java ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=bench/logback-quiet.xml -jar "$JAR" > "$work/suite.log" 2>&1 &
suite_pid=$!
wait_for suite "http://127.0.0.1:$MGMT_BASE/ready" "$suite_pid"
# the gateway is ready without Redis (its limiter falls back), so wait for the Redis check itself
for _ in $(seq 1 20); do
  ready=$(curl -s --max-time 5 "http://127.0.0.1:$MGMT_BASE/ready" || true)
  echo "$ready" | grep -q '"redis":{"status":"UP"' && break
  sleep 0.5
done
echo "$ready" | grep -q '"redis":{"status":"UP"' \
  || { echo "bench: the gateway does not see Redis, so rate limits would not go through it: $ready" >&2; exit 1; }

admin() { curl -sf --max-time 10 -X POST -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d "$2" \
  "http://127.0.0.1:$HTTP_PORT$1"; }
admin /admin/tenants '{"id":"bench"}' >/dev/null || { echo "bench: could not create the tenant" >&2; exit 1; }
api_key=$(admin /admin/tenants/bench/keys '{"scopes":["read"]}' | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$api_key" ] || { echo "bench: could not create a tenant key" >&2; exit 1; }

declare -A url=([direct]="http://127.0.0.1:$UPSTREAM_PORT/" [nginx]="http://127.0.0.1:$PROXY_PORT/"
  [bulwark]="http://127.0.0.1:$HTTP_PORT/bench/")
targets=(direct nginx bulwark)
for t in "${targets[@]}"; do
  key=""; [ "$t" = bulwark ] && key=$api_key
  status=$(curl -s --max-time 5 -D "$work/check.headers" -o "$work/check.body" -w '%{http_code}' -H "X-API-Key: $key" "${url[$t]}")
  [ "$status" = 200 ] && [ "$(cat "$work/check.body")" = ok ] \
    || { echo "bench: $t answered $status '$(head -c 200 "$work/check.body")' instead of 200 ok" >&2; exit 1; }
done
grep -qi '^RateLimit-Limit:' "$work/check.headers" || { echo "bench: Bulwark's answer has no RateLimit headers" >&2; exit 1; }

# --- measuring ----------------------------------------------------------------------------------------------------
tck=$(getconf CLK_TCK)
proc_ticks() { # "user system" clock ticks of these processes, all their threads
  local p s
  for p in "$@"; do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    echo "${s##*) }"   # the fields after the command name; utime and stime are the 12th and 13th of them
  done | awk '{u += $12; k += $13} END {print u + 0, k + 0}'
}
thread_ticks() { # "tid name ticks" for every thread of the suite
  local t s
  for t in /proc/"$suite_pid"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    echo "${t##*/} $(tr ' ' '_' < "$t/comm") $(echo "${s##*) }" | awk '{print $12 + $13}')"
  done
}
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat; }
children_cpu() { # CPU seconds of every child this shell has waited for; times must run in this shell, not a subshell
  times > "$work/times"
  awk 'NR == 2 {gsub(/[ms]/, " "); print ($1 * 60 + $2) + ($3 * 60 + $4)}' "$work/times"
}
pids_of() { # the processes a target runs on
  case "$1" in
    direct) echo "$upstream_pid $(pgrep -P "$upstream_pid" | tr '\n' ' ')" ;;
    nginx) echo "$proxy_pid $(pgrep -P "$proxy_pid" | tr '\n' ' ')" ;;
    bulwark) echo "$suite_pid" ;;
  esac
}
field() { echo "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# one wrk run at a target; RATE set paces it. Sets result (wrk's RESULT line), cores (see below), cpu (what the run
# cost in cores: target, load generator, and how busy the whole machine was) and, for bulwark, busiest (its busiest
# threads, in cores).
load() { # target seconds
  local key="" pids before after m0 m1 w0 w1 th0
  [ "$1" = bulwark ] && key=$api_key
  pids=$(pids_of "$1")
  [ "$1" = bulwark ] && th0=$(thread_ticks)
  before=$(proc_ticks $pids); m0=$(machine_busy); children_cpu > "$work/w0"
  result=$(BENCH_API_KEY=$key BENCH_RATE=${RATE:-} BENCH_THREADS=$THREADS \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --timeout 2s --latency -s bench/gateway/load.lua "${url[$1]}" | grep '^RESULT' || true)
  # a wrk that could not run at all still yields a line, so the run is flagged rather than the script dying unexplained
  [ -n "$result" ] || result="RESULT rps=0 p50_ms=0 p99_ms=0 non2xx=0 errors=1 timeouts=0 late=0"
  after=$(proc_ticks $pids); m1=$(machine_busy); children_cpu > "$work/w1"; w0=$(cat "$work/w0"); w1=$(cat "$work/w1")
  # cores: "total kernel", what the target's processes used over the run, in cores
  cores=$(awk -v a="$before" -v b="$after" -v hz="$tck" -v s="$2" 'BEGIN {split(a, x, " "); split(b, y, " ")
    u = y[1] - x[1]; k = y[2] - x[2]; printf "%.3f %.3f", (u + k) / hz / s, k / hz / s}')
  wrk_cores=$(awk -v w0="$w0" -v w1="$w1" -v s="$2" 'BEGIN {printf "%.3f", (w1 - w0) / s}')
  cpu=$(awk -v name="$1" -v t="${cores%% *}" -v hz="$tck" -v s="$2" -v m0="$m0" -v m1="$m1" -v w0="$w0" -v w1="$w1" 'BEGIN {
    split(m0, a, " "); split(m1, b, " "); busy = b[1] - a[1]; all = busy + b[2] - a[2]
    printf "cores used: %s %.2f, wrk %.2f, machine %.0f%% busy", name, t, (w1 - w0) / s, 100 * busy / all }')
  busiest=""
  if [ "$1" = bulwark ]; then
    busiest=$(awk -v hz="$tck" -v s="$2" 'NR == FNR {was[$1] = $3; next} {print ($3 - was[$1]) / hz / s, $2}' \
      <(echo "$th0") <(thread_ticks) | sort -gr | head -3 | awk '{printf "%s%s %.2f", (NR > 1 ? ", " : ""), $2, $1}')
  fi
}
metric_sum() { # prefix [printf format] -> sum of the gateway's samples whose line starts with prefix
  curl -s --max-time 5 "http://127.0.0.1:$MGMT_BASE/metrics" \
    | awk -v p="$1" -v f="${2:-%.0f}" 'index($0, p) == 1 {s += $NF} END {printf f "\n", s}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rotated() { # run number -> the targets, starting one further along each run
  local i n=${#targets[@]}
  for i in $(seq 0 $((n - 1))); do echo "${targets[$(( (i + $1 - 1) % n ))]}"; done
}

declare -A rps p50 p99 half_rps half_p50 half_p99 half_late max_cores max_wrk
flagged=0
record() { # phase target run
  local r=$result bad failures late=0 missed="" per_request
  bad=$(( $(field non2xx "$r") + $(field errors "$r") + $(field timeouts "$r") ))
  failures="$(field non2xx "$r") non-2xx, $(field errors "$r") socket errors, $(field timeouts "$r") timeouts"
  if [ "$1" = half ]; then
    late=$(field late "$r")
    # a paced run that did not reach 97% of its rate measured a lighter load than asked
    awk -v a="$(field rps "$r")" -v b="$RATE" 'BEGIN {exit !(a < 0.97 * b)}' && missed=" MISSED THE RATE"
  fi
  per_request=$(awk -v c="$cores" -v r="$(field rps "$r")" 'BEGIN {split(c, x, " ")
    if (r > 0) printf "%.0f us CPU per request, %.0f of them in the kernel", 1e6 * x[1] / r, 1e6 * x[2] / r}')
  printf '  run %d %-8s %9.1f req/s  p50 %7.3f ms  p99 %8.3f ms  failed %d%s | %s | %s%s\n' \
    "$3" "$2" "$(field rps "$r")" "$(field p50_ms "$r")" "$(field p99_ms "$r")" "$bad" \
    "$([ "$1" = half ] && echo "  late $late")" "$cpu" "$per_request" "${busiest:+ | busiest threads: $busiest}"
  if [ "$bad" != 0 ] || [ -n "$missed" ]; then
    echo "  FLAGGED: run $3 of $2 had $failures$missed; it is left out of the medians" >&2
    flagged=$((flagged + 1)); return
  fi
  if [ "$1" = max ]; then
    rps[$2]+=" $(field rps "$r")"; p50[$2]+=" $(field p50_ms "$r")"; p99[$2]+=" $(field p99_ms "$r")"
    max_cores[$2]+=" ${cores%% *}"; max_wrk[$2]+=" $wrk_cores"
  else
    half_rps[$2]+=" $(field rps "$r")"; half_p50[$2]+=" $(field p50_ms "$r")"; half_p99[$2]+=" $(field p99_ms "$r")"
    half_late[$2]+=" $(awk -v l="$late" -v a="$(field rps "$r")" -v s="$DURATION" 'BEGIN {printf "%.2f", 100 * l / (a * s)}')"
  fi
}

echo "warm-up: $WARMUP s of load on direct and nginx, $WARMUP_BULWARK s on Bulwark; not counted"
for t in "${targets[@]}"; do
  w=$WARMUP; [ "$t" = bulwark ] && w=$WARMUP_BULWARK
  RATE="" load "$t" "$w"
done

decided() { metric_sum "bulwark_ratelimit_decisions_total{mode=\"$1\",policy=\"bench\""; }
decisions() { echo "$(decided redis) $(decided local) $(( $(decided open) + $(decided closed) ))"; }
gc_pauses() { echo "$(metric_sum 'jvm_gc_pause_seconds_count{') $(metric_sum 'jvm_gc_pause_seconds_sum{' %.6f)"; }
answers() { # "status count ..." of the bench route, as the gateway counted them
  curl -s --max-time 5 "http://127.0.0.1:$MGMT_BASE/metrics" | sed -n \
    's/^bulwark_api_requests_total{method="GET",route="proxy:bench",service="gateway",status="\([0-9]*\)"} \([0-9.E]*\)$/\1 \2/p' \
    | tr '\n' ' '
}
at_max=$(decisions); gc_max=$(gc_pauses); answers_max=$(answers)

echo "maximum rate: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $RUNS runs"
for run in $(seq 1 "$RUNS"); do
  for t in $(rotated "$run"); do
    RATE="" load "$t" "$DURATION"; record max "$t" "$run"
  done
done
[ -n "${rps[bulwark]:-}" ] || { echo "bench: no valid maximum-rate run of Bulwark; nothing to pace against" >&2; exit 1; }

at_half=$(decisions); gc_half=$(gc_pauses)
RATE=$(awk -v m="$(median ${rps[bulwark]})" 'BEGIN {printf "%d", m / 2}')
echo "half of Bulwark's maximum: $RATE req/s for every target, wrk paced by bench/gateway/load.lua, $RUNS runs"
for run in $(seq 1 "$RUNS"); do
  for t in $(rotated "$run"); do
    load "$t" "$DURATION"; record half "$t" "$run"
  done
done

at_end=$(decisions); gc_end=$(gc_pauses); answers_end=$(answers)
spool=$(curl -s --max-time 5 "http://127.0.0.1:$MGMT_BASE/metrics" | grep '^bulwark_gateway_audit_spool_delivered_total' || true)
rows=$(psql -At -d "$db" -c "SELECT count(*) FROM audit.entries" 2>/dev/null || echo "?")
# shellcheck source=bench/gateway/floor.sh
. bench/gateway/floor.sh
floor=$(floor_report "$(median ${rps[direct]:-0})" "$(median ${max_cores[direct]:-0})" "$(median ${max_wrk[direct]:-0})" \
  "$(median ${rps[nginx]:-0})" "$(median ${max_cores[nginx]:-0})")

# --- summary ------------------------------------------------------------------------------------------------------
m() { [ -n "${1:-}" ] && median $1 || echo nan; }
echo
echo "median over valid runs (${DURATION} s each, $CONNECTIONS connections, wrk -t$THREADS on the same 2 cores):"
printf '  %-8s | %12s %9s %9s | %10s %9s %9s %10s %7s\n' target "max req/s" "p50 ms" "p99 ms" "half req/s" "p50 ms" "p99 ms" "+p99 ms" "late %"
direct_half_p99=$(m "${half_p99[direct]:-}")
for t in "${targets[@]}"; do
  hp99=$(m "${half_p99[$t]:-}")
  added=$(awk -v a="$hp99" -v d="$direct_half_p99" -v t="$t" 'BEGIN {if (t == "direct") print "-"; else printf "%.3f", a - d}')
  printf '  %-8s | %12.1f %9.3f %9.3f | %10.1f %9.3f %9.3f %10s %7s\n' "$t" "$(m "${rps[$t]:-}")" "$(m "${p50[$t]:-}")" \
    "$(m "${p99[$t]:-}")" "$(m "${half_rps[$t]:-}")" "$(m "${half_p50[$t]:-}")" "$hp99" "$added" "$(m "${half_late[$t]:-}")"
done
echo "  (+p99: over direct at the same rate; late %: paced requests sent more than 1 ms after their slot, because the target"
echo "   or the machine held wrk back; wrk times each request from its actual send, so such runs understate the tail)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
mb=$(m "${rps[bulwark]:-}"); mn=$(m "${rps[nginx]:-}"); md=$(m "${rps[direct]:-}")
added_bulwark=$(awk -v a="$(m "${half_p99[bulwark]:-}")" -v d="$direct_half_p99" 'BEGIN {printf "%.3f", a - d}')
added_nginx=$(awk -v a="$(m "${half_p99[nginx]:-}")" -v d="$direct_half_p99" 'BEGIN {printf "%.3f", a - d}')
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {ok = (op == ">=") ? v >= g : v <= g; print ok ? "met" : "MISSED"}'; }
echo "  Bulwark / nginx req/s:  $(ratio "$mb" "$mn")   (goal >= 1.0: $(verdict "$(ratio "$mb" "$mn")" ">=" 1.0))"
echo "  Bulwark / direct req/s: $(ratio "$mb" "$md")"
echo "  added p99 at $RATE req/s over direct: nginx $added_nginx ms, Bulwark $added_bulwark ms (goal <= 1 ms: $(verdict "$added_bulwark" "<=" 1))"
who_decided() { # decisions before, after -> who decided in between
  awk -v a="$1" -v b="$2" 'BEGIN {split(a, x, " "); split(b, y, " "); r = y[1] - x[1]; l = y[2] - x[2]; o = y[3] - x[3]
    printf "%d by Redis, %d by the in-memory fallback (%.1f%%), %d admitted or refused blind", r, l, 100 * l / (r + l + o), o}'
}
echo "  rate-limit decisions, maximum rate: $(who_decided "$at_max" "$at_half")"
echo "  rate-limit decisions, half rate:    $(who_decided "$at_half" "$at_end")"
pauses() { awk -v a="$1" -v b="$2" 'BEGIN {split(a, x, " "); split(b, y, " "); printf "%d, %.1f ms in all", y[1] - x[1], 1000 * (y[2] - x[2])}'; }
echo "  the suite's GC pauses: $(pauses "$gc_max" "$gc_half") at the maximum rate; $(pauses "$gc_half" "$gc_end") at half rate"
echo "  the gateway's answers on the route while measuring: $(awk -v a="$answers_max" -v b="$answers_end" 'BEGIN {
  n = split(a, x, " "); for (i = 1; i < n; i += 2) was[x[i]] = x[i + 1]
  n = split(b, y, " "); for (i = 1; i < n; i += 2) if (y[i + 1] - was[y[i]] > 0) printf "%s%s x %d", (out++ ? ", " : ""), y[i], y[i + 1] - was[y[i]] }')"
echo "   (requests still in flight when wrk stops and closes its connections are abandoned upstream calls, counted as"
echo "   bulwark_gateway_upstream_duration_seconds{outcome=\"client_gone\"}, never against the upstream)"
echo "  audit spool: ${spool:-bulwark_gateway_audit_spool_delivered_total is not among the gateway metrics}; ledger rows: $rows"
echo "$floor"
# the suite logs warnings and errors only (bench/logback-quiet.xml); the most frequent ones say what went wrong
warnings=$(grep -cE '^(WARN|ERROR) ' "$work/suite.log" || true)
echo "  the suite's warnings and errors: $warnings"
grep -E '^(WARN|ERROR) ' "$work/suite.log" | cut -c1-160 | sort | uniq -c | sort -rn | head -5 | sed 's/^/   /'
if [ "$flagged" != 0 ]; then
  echo "bench: $flagged flagged runs (failed requests or a missed rate) were left out" >&2
  exit 1
fi
