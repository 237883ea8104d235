package io.bulwark.gateway;

import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.MalformedRequests;
import io.bulwark.shared.http.ShutdownGate;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The gateway's HTTP server on one event loop. The gateway deploys one per core, all on the same port, so traffic
 * spreads across cores; the handlers they share are built once by {@link GatewayVerticle}.
 */
final class TrafficVerticle extends VerticleBase {
  /** Long enough for every busy client to come back with its next request before the listener closes. */
  private static final int SHUTDOWN_HOLD_MS = 200;
  private final ServiceContext ctx;
  private final TrafficRoutes routes;
  private final int port;
  private ShutdownGate gate;
  private HttpServer server;

  TrafficVerticle(ServiceContext ctx, TrafficRoutes routes, int port) {
    this.ctx = ctx;
    this.routes = routes;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    var config = ctx.config();
    Router router = ApiRouter.create(vertx, ctx.registry(), ctx.drain(), config.maxBodyBytes());
    gate = new ShutdownGate(vertx);
    router.route().handler(gate);
    routes.mount(router);
    // a connection idle this long is closed: a client that stalls mid-request or parks connections cannot hold them
    HttpServerOptions options = new HttpServerOptions().setIdleTimeout(config.intRange("BULWARK_HTTP_IDLE_TIMEOUT_MS", 60_000, 1000,
        3_600_000)).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        // the codec admits twice what the router serves, so oversized requests get a problem answer (ApiRouter)
        .setMaxInitialLineLength(2 * ApiRouter.MAX_URI_LENGTH).setMaxHeaderSize(4 * ApiRouter.MAX_HEADER_BYTES);
    return vertx.createHttpServer(options).connectionHandler(gate::track).invalidRequestHandler(new MalformedRequests())
        .requestHandler(router).listen(port, config.bindHost()).onSuccess(s -> server = s);
  }

  int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    // no hold when the operator configured no drain: that asks for an immediate stop
    long holdMs = Math.min(SHUTDOWN_HOLD_MS, ctx.config().shutdownDrainMs());
    return server == null ? Future.succeededFuture() : gate.shutdown(server, holdMs, ctx.config().shutdownTimeoutMs());
  }
}
