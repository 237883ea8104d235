package io.bulwark.shared.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** Counts and times every request by method, route template (never the raw path) and status. */
public final class HttpMetrics implements Handler<RoutingContext> {
  public static final String REQUESTS = "bulwark.http.requests";
  public static final String DURATION = "bulwark.http.request.duration";
  public static final String UNMATCHED = "unmatched";
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};
  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      String route = ctx.get(ApiRouter.ROUTE_KEY);
      String method = ctx.request().method().name();
      String status = Integer.toString(ctx.response().getStatusCode());
      String r = route == null ? UNMATCHED : route;
      Counter.builder(REQUESTS).description("HTTP requests served")
          .tags("method", method, "route", r, "status", status).register(registry).increment();
      Timer.builder(DURATION).description("HTTP request duration")
          .serviceLevelObjectives(BUCKETS)
          .tags("method", method, "route", r, "status", status).register(registry)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }
}
