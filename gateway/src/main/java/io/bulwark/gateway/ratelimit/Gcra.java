package io.bulwark.gateway.ratelimit;

import java.util.List;

/**
 * The generic cell rate algorithm in integer microseconds, for one or several subjects decided together. Pure: the
 * caller supplies the time and the stored theoretical arrival times (TATs), and stores what comes back.
 *
 * <p>A subject's TAT is the time at which its bucket would be empty again. A request at {@code now} passes when
 * {@code max(tat, now) - now <= tau}, and moves the TAT one emission interval T further. The Lua script in
 * {@link RedisGcra} applies the same rule; {@link #settle} derives the reported numbers for both.
 */
public final class Gcra {
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private Gcra() {}

  /** One subject's limit: emission interval T and tolerance tau, both in microseconds. */
  public record Rate(long intervalMicros, long toleranceMicros) {
    public Rate {
      if (intervalMicros < 1 || toleranceMicros < 0) {
        throw new IllegalArgumentException("interval must be at least 1 µs and tolerance not negative");
      }
    }

    public static Rate of(RateLimitPolicy policy) {
      return new Rate(policy.intervalMicros(), policy.toleranceMicros());
    }
  }

  /**
   * The outcome for all subjects. {@code binding} is the index of the subject that decided it: the rejecting one that
   * frees up last, or, when allowed, the one with least remaining (the first on ties). {@code tats} are the TATs to
   * store when allowed (unchanged, but at least {@code now}, when rejected).
   */
  public record Verdict(boolean allowed, int binding, long remaining, long resetMicros, long retryAfterMicros, long[] tats) {
    public long resetSeconds() {
      return ceilSeconds(resetMicros);
    }

    public long retryAfterSeconds() {
      return ceilSeconds(retryAfterMicros);
    }
  }

  /**
   * Decides one request for every subject at once: all pass and all TATs advance, or none does and nothing changes.
   * {@code storedTats[i]} is the stored TAT of subject i, or anything at or before {@code now} when it has none.
   */
  public static Verdict check(long nowMicros, List<Rate> rates, long[] storedTats) {
    if (rates.isEmpty() || rates.size() != storedTats.length) {
      throw new IllegalArgumentException("one stored TAT per rate, at least one");
    }
    long[] tats = new long[storedTats.length];
    boolean allowed = true;
    for (int i = 0; i < tats.length; i++) {
      tats[i] = Math.max(storedTats[i], nowMicros);
      if (tats[i] - nowMicros > rates.get(i).toleranceMicros()) {
        allowed = false;
      }
    }
    if (allowed) {
      for (int i = 0; i < tats.length; i++) {
        tats[i] += rates.get(i).intervalMicros();
      }
    }
    return settle(nowMicros, rates, tats, allowed);
  }

  /** The reported numbers once the decision is made; {@code tats} are the TATs after it. */
  public static Verdict settle(long nowMicros, List<Rate> rates, long[] tats, boolean allowed) {
    int binding = 0;
    long bindingRemaining = Long.MAX_VALUE;
    long bindingWait = -1;
    for (int i = 0; i < tats.length; i++) {
      long remaining = remaining(nowMicros, rates.get(i), tats[i]);
      long wait = waitMicros(nowMicros, rates.get(i), tats[i]);
      boolean binds = allowed ? remaining < bindingRemaining : wait > bindingWait;
      if (binds) {
        binding = i;
        bindingRemaining = remaining;
        bindingWait = wait;
      }
    }
    long reset = Math.max(0, tats[binding] - nowMicros);
    return new Verdict(allowed, binding, allowed ? bindingRemaining : 0, reset, allowed ? 0 : bindingWait, tats);
  }

  /** Whole requests that would still pass at {@code now} given this TAT. */
  public static long remaining(long nowMicros, Rate rate, long tat) {
    long ahead = Math.max(0, tat - nowMicros);
    if (ahead > rate.toleranceMicros()) {
      return 0;
    }
    return (rate.toleranceMicros() - ahead) / rate.intervalMicros() + 1;
  }

  /** Microseconds until one more request would pass given this TAT; 0 when it passes now. */
  public static long waitMicros(long nowMicros, Rate rate, long tat) {
    return Math.max(0, tat - rate.toleranceMicros() - nowMicros);
  }

  /** Rounds up, so a client that waits the advertised seconds is never early. */
  public static long ceilSeconds(long micros) {
    return micros <= 0 ? 0 : (micros + MICROS_PER_SECOND - 1) / MICROS_PER_SECOND;
  }
}
