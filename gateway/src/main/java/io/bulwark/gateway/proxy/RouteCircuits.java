package io.bulwark.gateway.proxy;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker and one round-robin position per route id. A breaker outlives reloads that leave
 * its route's circuit settings alone, so a reload does not forget that an upstream is failing.
 */
final class RouteCircuits {
  static final String STATE = "bulwark.gateway.circuit.state";
  private static final Logger LOG = LoggerFactory.getLogger(RouteCircuits.class);
  /** Beyond the longest route timeout: slowness is the timeout's business, not a reason to open the circuit. */
  private static final Duration NEVER_SLOW = RouteParser.MAX_DURATION.plusMinutes(1);

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Circuit> byRoute = new ConcurrentHashMap<>();
  /** Route ids of the table in force; null until a table is known, when every route gets a circuit on first use. */
  private volatile Set<String> known;

  RouteCircuits(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Keeps the circuits of {@code table}'s routes, recreating those whose settings changed, dropping the rest. */
  synchronized void retain(RouteTable table) {
    Set<String> ids = table.routes().stream().map(ProxyRoute::id).collect(Collectors.toUnmodifiableSet());
    known = ids;
    byRoute.entrySet().removeIf(e -> {
      if (ids.contains(e.getKey())) {
        return false;
      }
      e.getValue().close();
      return true;
    });
    for (ProxyRoute r : table.routes()) {
      byRoute.compute(r.id(), (id, old) -> {
        if (old != null && old.settings.equals(r.circuit())) {
          return old;
        }
        if (old != null) {
          old.close();
        }
        return new Circuit(r, registry);
      });
    }
  }

  /**
   * The circuit for a request on {@code route}. A request that matched a route just before a reload removed it gets a
   * detached circuit: it is answered, but cannot bring a removed route's meters back.
   */
  Circuit of(ProxyRoute route) {
    Circuit c = byRoute.get(route.id());
    if (c != null) {
      return c;
    }
    Set<String> ids = known;
    if (ids != null && !ids.contains(route.id())) {
      return new Circuit(route, null);
    }
    return byRoute.computeIfAbsent(route.id(), id -> new Circuit(route, registry));
  }

  /** A route's breaker (absent when its circuit is disabled) and its round-robin position. */
  static final class Circuit {
    final CircuitSettings settings;
    private final String routeId;
    private final CircuitBreaker breaker;
    private final AtomicInteger next = new AtomicInteger();
    private final MeterRegistry registry;
    private final Gauge gauge;
    private volatile long openedAtNanos = System.nanoTime();

    Circuit(ProxyRoute route, MeterRegistry registry) {
      this.settings = route.circuit();
      this.routeId = route.id();
      this.registry = registry;
      this.breaker = settings.enabled() ? breaker(route.id(), settings) : null;
      if (breaker != null) {
        breaker.getEventPublisher().onStateTransition(e -> {
          CircuitBreaker.State to = e.getStateTransition().getToState();
          if (to == CircuitBreaker.State.OPEN) {
            openedAtNanos = System.nanoTime();
          }
          String from = e.getStateTransition().getFromState().name().toLowerCase(java.util.Locale.ROOT);
          String toName = to.name().toLowerCase(java.util.Locale.ROOT);
          if (to == CircuitBreaker.State.OPEN) {
            LOG.warn("circuit opened; calls to the upstream are refused for a while", kv("route", routeId),
                kv("from", from), kv("to", toName), kv("openForMs", settings.openFor().toMillis()));
          } else {
            LOG.info("circuit state changed", kv("route", routeId), kv("from", from), kv("to", toName));
          }
        });
      }
      this.gauge = breaker == null || registry == null ? null
          : Gauge.builder(STATE, this, Circuit::stateCode).tag("route", routeId)
              .description("Circuit breaker state per route: 0 closed, 1 open, 2 half-open").strongReference(true)
              .register(registry);
    }

    private static CircuitBreaker breaker(String routeId, CircuitSettings s) {
      CircuitBreakerConfig config = CircuitBreakerConfig.custom()
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(s.windowSize())
          .minimumNumberOfCalls(s.minimumCalls())
          .failureRateThreshold(s.failureRatePercent())
          .waitDurationInOpenState(s.openFor())
          .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
          .slowCallDurationThreshold(NEVER_SLOW)
          .writableStackTraceEnabled(false)
          .build();
      return CircuitBreaker.of(routeId, config);
    }

    /** False when the circuit refuses the call; the upstream must then not be contacted. */
    boolean tryAcquire() {
      return breaker == null || breaker.tryAcquirePermission();
    }

    /** Records one upstream call; {@code failure} is null for a success. */
    void record(long nanos, Throwable failure) {
      if (breaker == null) {
        return;
      }
      if (failure == null) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      } else {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
      }
    }

    /** Gives back a permission without a verdict: the call ended for a reason that says nothing about the upstream. */
    void release() {
      if (breaker != null) {
        breaker.releasePermission();
      }
    }

    URI pick(List<URI> upstreams) {
      return upstreams.get(Math.floorMod(next.getAndIncrement(), upstreams.size()));
    }

    /** Whole seconds until the circuit lets a trial call through; at least 1. */
    long retryAfterSeconds() {
      if (breaker == null || breaker.getState() != CircuitBreaker.State.OPEN) {
        return 1;
      }
      long remaining = settings.openFor().toNanos() - (System.nanoTime() - openedAtNanos);
      return Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L);
    }

    int stateCode() {
      if (breaker == null) {
        return 0;
      }
      return switch (breaker.getState()) {
        case OPEN, FORCED_OPEN -> 1;
        case HALF_OPEN -> 2;
        default -> 0;
      };
    }

    void close() {
      if (gauge != null) {
        registry.remove(gauge);
      }
    }
  }
}
