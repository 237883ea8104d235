package io.bulwark.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The rate limiter's meters. Every meter is registered up front from the configured policy names and the enums, so the
 * label set is bounded and a decision only increments a counter it already holds.
 */
public final class RateLimitMetrics {
  /** Prometheus: {@code bulwark_ratelimit_decisions_total{policy,result,mode}}. */
  public static final String DECISIONS = "bulwark.ratelimit.decisions";
  /** Prometheus: {@code bulwark_ratelimit_redis_up}, 1 while decisions go to Redis. */
  public static final String REDIS_UP = "bulwark.ratelimit.redis.up";
  /** Prometheus: {@code bulwark_ratelimit_redis_duration_seconds{outcome}}, one script round trip. */
  public static final String REDIS_DURATION = "bulwark.ratelimit.redis.duration";
  /** The label of a policy that is not in the configuration (built by hand by a caller). */
  public static final String OTHER_POLICY = "other";
  private static final Duration[] BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250)};
  private final Map<String, Counter[]> decisions = new HashMap<>();
  private final Timer redisOk;
  private final Timer redisFailed;

  /**
   * {@code redisUp} is read on every scrape; it must be cheap and never do I/O. Null when no Redis is configured: then
   * the gauge is left out, so "Redis is down" alerts do not fire on a gateway that limits locally by design.
   */
  public RateLimitMetrics(MeterRegistry registry, Collection<String> policyNames, BooleanSupplier redisUp) {
    for (String policy : policyNames) {
      decisions.put(policy, counters(registry, policy));
    }
    decisions.put(OTHER_POLICY, counters(registry, OTHER_POLICY));
    if (redisUp != null) {
      Gauge.builder(REDIS_UP, redisUp, up -> up.getAsBoolean() ? 1 : 0).description("1 while rate limits are shared through Redis")
          .strongReference(true).register(registry);
    }
    redisOk = timer(registry, "ok");
    redisFailed = timer(registry, "failed");
  }

  public void decision(Decision d) {
    Counter[] byPolicy = decisions.get(d.policy());
    if (byPolicy == null) {
      byPolicy = decisions.get(OTHER_POLICY);
    }
    byPolicy[d.mode().ordinal() * 2 + (d.allowed() ? 0 : 1)].increment();
  }

  public void redisRoundTrip(long nanos, boolean ok) {
    (ok ? redisOk : redisFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  private static Counter[] counters(MeterRegistry registry, String policy) {
    Decision.Mode[] modes = Decision.Mode.values();
    Counter[] out = new Counter[modes.length * 2];
    for (Decision.Mode mode : modes) {
      out[mode.ordinal() * 2] = counter(registry, policy, "allowed", mode);
      out[mode.ordinal() * 2 + 1] = counter(registry, policy, "rejected", mode);
    }
    return out;
  }

  private static Counter counter(MeterRegistry registry, String policy, String result, Decision.Mode mode) {
    return Counter.builder(DECISIONS).description("Rate limit decisions by binding policy, result and who decided")
        .tags("policy", policy, "result", result, "mode", mode.label()).register(registry);
  }

  private static Timer timer(MeterRegistry registry, String outcome) {
    return Timer.builder(REDIS_DURATION).description("Round trip of one rate limit decision in Redis")
        .serviceLevelObjectives(BUCKETS).tag("outcome", outcome).register(registry);
  }
}
