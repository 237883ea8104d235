package io.bulwark.gateway.proxy;

import java.time.Duration;

/** A route's circuit-breaker settings: a count-based window of the last {@code windowSize} upstream calls. */
public record CircuitSettings(boolean enabled, int failureRatePercent, int minimumCalls, int windowSize, Duration openFor,
    int halfOpenCalls) {
  public static final CircuitSettings DEFAULTS = new CircuitSettings(true, 50, 10, 20, Duration.ofSeconds(30), 3);
  public static final CircuitSettings DISABLED = new CircuitSettings(false, 50, 10, 20, Duration.ofSeconds(30), 3);
}
