package io.bulwark.gateway.ratelimit;

import java.time.Duration;

/**
 * The answer for one request: whether it may pass, and the numbers for its RateLimit headers, taken from the binding
 * policy (the one that rejected, or the one with least remaining). {@code period} is that policy's period.
 */
public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds, String policy,
                       Mode mode, Duration period) {

  /** Who decided: Redis (shared by all instances), this instance's memory, or a fallback that admits or rejects all. */
  public enum Mode {
    REDIS, LOCAL, OPEN, CLOSED;

    /** The metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A request no policy applies to: admitted, and no RateLimit headers are due. */
  public static Decision unlimited() {
    return new Decision(true, 0, 0, 0, 0, null, Mode.OPEN, Duration.ZERO);
  }
}
