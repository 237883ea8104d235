package io.bulwark.shared.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Counts and times every request by method, route template (never the raw path) and status. */
public final class HttpMetrics implements Handler<RoutingContext> {
  public static final String REQUESTS = "bulwark.api.requests";
  public static final String DURATION = "bulwark.api.request.duration";
  public static final String UNMATCHED = "unmatched";
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};
  private final MeterRegistry registry;
  /** Meters per method, route template and status: a bounded set, looked up rather than rebuilt on every request. */
  private final Map<String, Meters> meters = new ConcurrentHashMap<>();

  private static final java.util.Set<String> STANDARD_METHODS =
      java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private record Meters(Counter requests, Timer duration) {}

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      String route = ctx.get(ApiRouter.ROUTE_KEY);
      String method = label(ctx.request().method().name());
      int status = ctx.response().getStatusCode();
      String r = route == null ? UNMATCHED : route;
      Meters m = meters.computeIfAbsent(method + ' ' + r + ' ' + status, k -> register(method, r, Integer.toString(status)));
      m.requests().increment();
      m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }

  /** Standard methods by name; anything a client invents is {@code OTHER}, so the label set stays bounded. */
  static String label(String method) {
    return STANDARD_METHODS.contains(method) ? method : "OTHER";
  }

  private Meters register(String method, String route, String status) {
    return new Meters(
        Counter.builder(REQUESTS).description("HTTP requests served")
            .tags("method", method, "route", route, "status", status).register(registry),
        Timer.builder(DURATION).description("HTTP request duration").serviceLevelObjectives(BUCKETS)
            .tags("method", method, "route", route, "status", status).register(registry));
  }
}
