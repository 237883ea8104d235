package io.bulwark.alert.notify;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Retry delay after a failed attempt: exponential from {@code base}, capped at {@code max}, with "equal jitter" (half
 * fixed, half random) so many receivers recovering at once are not hit in lockstep.
 */
public record Backoff(Duration base, Duration max, int maxAttempts) {

  /** Delay before attempt {@code attempts + 1}, given {@code attempts} already failed (>= 1). */
  public Duration delay(int attempts, DoubleSupplier random) {
    long cap = max.toMillis();
    long exp = base.toMillis();
    for (int i = 1; i < attempts && exp < cap; i++) {
      exp *= 2;
    }
    long d = Math.min(exp, cap);
    long half = d / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (d - half)));
  }
}
