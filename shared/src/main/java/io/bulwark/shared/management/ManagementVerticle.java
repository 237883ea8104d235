package io.bulwark.shared.management;

import io.bulwark.shared.BuildInfo;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.Drain;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Serves {@code /health}, {@code /ready} and {@code /metrics} of one service on its own port. */
public final class ManagementVerticle extends VerticleBase {
  private final String service;
  private final String host;
  private final int port;
  private final Readiness readiness;
  private final long readinessIntervalMs;
  private final PrometheusMeterRegistry registry;
  private final Drain drain;
  private final List<Consumer<Router>> extraRoutes;
  private final int maxBodyBytes;
  private HttpServer server;

  public ManagementVerticle(String service, String host, int port, Readiness readiness, long readinessIntervalMs,
                            PrometheusMeterRegistry registry, Drain drain) {
    this(service, host, port, readiness, readinessIntervalMs, registry, drain, List.of(), 4096);
  }

  /** With routes of the service's own beside the three probes, and the request body limit those routes need. */
  public ManagementVerticle(String service, String host, int port, Readiness readiness, long readinessIntervalMs,
                            PrometheusMeterRegistry registry, Drain drain, List<Consumer<Router>> extraRoutes, int maxBodyBytes) {
    this.extraRoutes = List.copyOf(extraRoutes);
    this.maxBodyBytes = maxBodyBytes;
    this.readinessIntervalMs = readinessIntervalMs;
    this.service = service;
    this.host = host;
    this.port = port;
    this.readiness = readiness;
    this.registry = registry;
    this.drain = drain;
  }

  @Override
  public Future<?> start() {
    Router router = ApiRouter.create(vertx, registry, drain, maxBodyBytes, true);
    // what /ready answers, for Prometheus: a service whose /metrics answers while /ready says 503 (its database is
    // down, say) is otherwise invisible to a scrape
    io.micrometer.core.instrument.Gauge.builder(Readiness.READY_METRIC, readiness, r -> r.ready() ? 1 : 0)
        .description("1 while this service's /ready answers 200, 0 while it answers 503").register(registry);
    JsonObject health = new JsonObject().put("ok", true).put("service", service).put("version", BuildInfo.version());
    ApiRouter.route(router, HttpMethod.GET, "/health").handler(ctx -> ctx.json(health));
    ApiRouter.route(router, HttpMethod.GET, "/ready").handler(ctx -> ctx.response()
        .setStatusCode(readiness.ready() ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(readiness.snapshot().encode()));
    ApiRouter.route(router, HttpMethod.GET, "/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    extraRoutes.forEach(r -> r.accept(router));
    // checks run on this verticle's context, so their log lines carry the service's name
    return readiness.start(readinessIntervalMs)
        .compose(x -> vertx.createHttpServer().invalidRequestHandler(new io.bulwark.shared.http.MalformedRequests())
            .requestHandler(router).listen(port, host))
        .onSuccess(s -> server = s);
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    readiness.stop();
    return server == null ? Future.succeededFuture() : server.shutdown(2, TimeUnit.SECONDS);
  }
}
