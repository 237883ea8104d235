package io.bulwark.gateway.ratelimit;

import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a decision as the IETF RateLimit headers ({@code RateLimit-Limit}, {@code -Remaining}, {@code -Reset},
 * {@code -Policy}) plus {@code Retry-After} on rejections, so clients can pace themselves instead of retrying blindly.
 */
public final class RateLimitHeaders {
  public static final String LIMIT = "RateLimit-Limit";
  public static final String REMAINING = "RateLimit-Remaining";
  public static final String RESET = "RateLimit-Reset";
  public static final String POLICY = "RateLimit-Policy";
  public static final String RETRY_AFTER = "Retry-After";

  private RateLimitHeaders() {}

  /** Sets the headers; a decision no policy made (no subjects) sets none. */
  public static void apply(HttpServerResponse response, Decision decision) {
    if (decision.policy() == null) {
      return;
    }
    response.putHeader(LIMIT, Long.toString(decision.limit()));
    response.putHeader(REMAINING, Long.toString(decision.remaining()));
    response.putHeader(RESET, Long.toString(decision.resetSeconds()));
    response.putHeader(POLICY, policy(decision.limit(), decision.period()));
    if (!decision.allowed()) {
      // a client told 0 would retry at once, which is exactly what the limit is there to stop
      response.putHeader(RETRY_AFTER, Long.toString(Math.max(1, decision.retryAfterSeconds())));
    }
  }

  /**
   * {@code <limit>;w=<seconds>}. The window must be whole seconds, so a period that is not (500ms, 1500ms) is
   * stated as the whole-second window that contains it, with the limit scaled to that window and rounded down.
   */
  static String policy(long limit, java.time.Duration period) {
    long micros = period.toNanos() / 1000;
    if (micros % 1_000_000 == 0) {
      return limit + ";w=" + micros / 1_000_000;
    }
    long window = Gcra.ceilSeconds(micros);
    long scaled = Math.max(1, java.math.BigInteger.valueOf(limit).multiply(java.math.BigInteger.valueOf(window * 1_000_000))
        .divide(java.math.BigInteger.valueOf(micros)).longValueExact());
    return scaled + ";w=" + window;
  }
}
