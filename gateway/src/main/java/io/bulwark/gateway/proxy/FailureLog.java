package io.bulwark.gateway.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps upstream trouble from flooding the log: per route and kind, the first occurrence is logged and then at most one
 * line per interval, saying how many were not logged in between. Metrics still count every one.
 */
final class FailureLog {
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  FailureLog(long intervalMs, LongSupplier nanoClock) {
    this.intervalNanos = intervalMs * 1_000_000L;
    this.clock = nanoClock;
  }

  /** -1 when this occurrence should not be logged; otherwise how many were left out since the last logged one. */
  long admit(String route, String kind) {
    Window w = windows.computeIfAbsent(route + '\u0000' + kind, k -> new Window());
    long now = clock.getAsLong();
    long last = w.lastLogged.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos) {
      w.suppressed.incrementAndGet();
      return -1;
    }
    if (!w.lastLogged.compareAndSet(last, now)) {
      w.suppressed.incrementAndGet();
      return -1;
    }
    return w.suppressed.getAndSet(0);
  }
}
