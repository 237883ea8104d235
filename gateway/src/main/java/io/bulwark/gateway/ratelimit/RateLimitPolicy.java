package io.bulwark.gateway.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One named limit: {@code limit} requests per {@code period}, at most {@code burst} of them at once, counted per API key
 * or per tenant.
 */
public record RateLimitPolicy(String name, long limit, Duration period, long burst, Scope scope) {
  /** Policy names end up in Redis keys and metric labels, so they are short and plain. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  /** Keeps TAT arithmetic exact in Lua's doubles (2^53 µs) even with today's epoch time added. */
  static final long MAX_SPAN_MICROS = 1_000_000_000_000_000L;
  static final Duration MAX_PERIOD = Duration.ofDays(366);

  /** Who shares one bucket: every API key has its own, or all keys of a tenant share one. */
  public enum Scope { KEY, TENANT }

  public RateLimitPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(scope, "scope");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("policy name must match " + NAME.pattern() + " (got '" + name + "')");
    }
    if (limit < 1 || burst < 1) {
      throw new IllegalArgumentException("limit and burst must be at least 1");
    }
    if (period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException("period must be between 1ms and " + MAX_PERIOD.toDays() + " days");
    }
    if (period.toNanos() / 1000 / limit < 1) {
      throw new IllegalArgumentException("limit must be at most one request per microsecond of the period");
    }
    if (burst > MAX_SPAN_MICROS / (period.toNanos() / 1000 / limit)) {
      throw new IllegalArgumentException("burst is too large for this limit and period");
    }
  }

  /** A per-key policy whose burst equals its limit. */
  public static RateLimitPolicy of(String name, long limit, Duration period) {
    return new RateLimitPolicy(name, limit, period, limit, Scope.KEY);
  }

  /** The GCRA emission interval T: one request's worth of time. */
  public long intervalMicros() {
    return period.toNanos() / 1000 / limit;
  }

  /** The GCRA tolerance tau: how far ahead of now the bucket may run, so that {@code burst} requests pass at once. */
  public long toleranceMicros() {
    return intervalMicros() * (burst - 1);
  }
}
