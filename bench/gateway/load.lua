-- wrk script for bench/gateway.sh.
--   BENCH_API_KEY  sent as X-API-Key when set (the Bulwark target)
--   BENCH_RATE     requests/s over the whole run: when set, requests are paced to that constant rate instead of wrk's
--                  usual closed loop (send the next request as soon as the last answer arrived)
--   BENCH_THREADS  wrk's -t, so each thread takes its share of BENCH_RATE
-- Prints one line that bench/gateway.sh parses:
--   RESULT rps=... p50_ms=... p99_ms=... non2xx=... errors=... timeouts=... late=...
-- non2xx counts answers of 400 and above (wrk's own count); errors are connect, read and write errors; timeouts are
-- requests unanswered after wrk's --timeout.
-- late: paced requests sent more than 1 ms after their slot in the schedule (the target or the load generator fell
-- behind, so wrk's latency, timed from the actual send, would understate what a steady client sees).

local api_key = os.getenv("BENCH_API_KEY")
if api_key and api_key ~= "" then
  wrk.headers["X-API-Key"] = api_key
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local rate = tonumber(os.getenv("BENCH_RATE") or "")
if rate and rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *out);
  ]]
  local CLOCK_MONOTONIC = 1
  local ts = ffi.new("bench_timespec")
  local function now_us()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
  end

  -- One schedule per wrk thread, shared by its connections: every request takes the next slot, one interval after the
  -- previous one, whatever the answers did. Slots are absolute, so rounding wrk's millisecond timers never drifts the
  -- rate; a connection still waiting for its last answer simply takes a later slot.
  local interval = 1e6 * tonumber(os.getenv("BENCH_THREADS") or "1") / rate
  local next_slot = nil
  local slots, first, last = {}, 1, 0
  late = 0

  function delay()
    local now = now_us()
    next_slot = next_slot or now
    local slot = next_slot
    next_slot = next_slot + interval
    last = last + 1
    slots[last] = slot
    local wait_ms = math.floor((slot - now) / 1000)
    return wait_ms > 0 and wait_ms or 0
  end

  local req = nil
  function request()
    req = req or wrk.format()
    -- timers of one millisecond fire in any order, so this pairs each send with a slot to within about 1 ms
    if first <= last then
      if now_us() - slots[first] > 1000 then
        late = late + 1
      end
      slots[first] = nil
      first = first + 1
    end
    return req
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
  local behind = 0
  for _, t in ipairs(threads) do
    behind = behind + (tonumber(t:get("late")) or 0)
  end
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d timeouts=%d late=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors, summary.errors.timeout, behind))
end
