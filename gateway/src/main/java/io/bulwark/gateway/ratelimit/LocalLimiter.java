package io.bulwark.gateway.ratelimit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * GCRA state of one gateway instance in memory, for when Redis is not configured or not reachable. Bounded: expired
 * buckets are swept out and, past {@code maxSubjects}, the least recently used bucket is forgotten (its subject starts
 * afresh, which errs towards admitting). Not thread-safe: one Vert.x context owns it.
 */
public final class LocalLimiter {
  public static final int DEFAULT_MAX_SUBJECTS = 100_000;
  private static final long SWEEP_EVERY_MICROS = 10_000_000L;
  private final LongSupplier clockMicros;
  private final Map<String, Long> tats;
  private long lastSweep;

  /** {@code clockMicros} only needs to be monotonic: decisions depend on differences between its readings. */
  public LocalLimiter(LongSupplier clockMicros, int maxSubjects) {
    if (maxSubjects < 1) {
      throw new IllegalArgumentException("maxSubjects must be at least 1");
    }
    this.clockMicros = clockMicros;
    // access order, so the eldest entry is the bucket used least recently
    this.tats = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > maxSubjects;
      }
    };
    this.lastSweep = clockMicros.getAsLong();
  }

  /** A clock on {@link System#nanoTime()}, which never jumps with wall-clock adjustments. */
  public static LongSupplier monotonicMicros() {
    return () -> System.nanoTime() / 1000;
  }

  /** Decides one request for all {@code keys} together (one key per rate, same order). */
  public Gcra.Verdict check(List<String> keys, List<Gcra.Rate> rates) {
    long now = clockMicros.getAsLong();
    sweepIfDue(now);
    long[] stored = new long[keys.size()];
    for (int i = 0; i < stored.length; i++) {
      Long tat = tats.get(keys.get(i));
      stored[i] = tat == null ? now : tat;
    }
    Gcra.Verdict verdict = Gcra.check(now, rates, stored);
    if (verdict.allowed()) {
      for (int i = 0; i < stored.length; i++) {
        tats.put(keys.get(i), verdict.tats()[i]);
      }
    }
    return verdict;
  }

  /** Buckets currently held. */
  public int size() {
    return tats.size();
  }

  /** A TAT at or before now means a full bucket, which is the same as no entry. */
  private void sweepIfDue(long now) {
    if (now - lastSweep < SWEEP_EVERY_MICROS) {
      return;
    }
    lastSweep = now;
    for (Iterator<Long> it = tats.values().iterator(); it.hasNext(); ) {
      if (it.next() <= now) {
        it.remove();
      }
    }
  }
}
