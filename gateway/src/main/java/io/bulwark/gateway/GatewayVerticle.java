package io.bulwark.gateway;

import io.bulwark.gateway.api.ApiDocs;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.auth.Identity;
import io.bulwark.gateway.regulator.AccessCodes;
import io.bulwark.gateway.store.AdminKeyStore;
import io.bulwark.gateway.proxy.RouteFile;
import io.bulwark.gateway.proxy.RouteTable;
import io.bulwark.gateway.proxy.UpstreamProxy;
import io.bulwark.gateway.ratelimit.RateLimiter;
import io.bulwark.gateway.spool.AuditSpool;
import io.bulwark.shared.bus.PeerCheck;
import io.bulwark.shared.bus.PingResponder;
import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Builds what the gateway's traffic servers share — admin keys, identity, rate limits, routes, the proxy, the decision
 * log — then deploys one {@link TrafficVerticle} per core ({@code BULWARK_HTTP_INSTANCES}) on the HTTP port.
 */
public final class GatewayVerticle extends VerticleBase {
  private final ServiceContext ctx;
  private MessageConsumer<JsonObject> ping;
  private Identity identity;
  private RateLimiter limiter;
  private RouteFile routes;
  private UpstreamProxy upstream;
  private AuditSpool spool;
  private long sessionSweep = -1;

  public GatewayVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    var config = ctx.config();
    if (config.httpPort() == null) {
      return Future.failedFuture(new ConfigException("HTTP_PORT", "is required for the gateway"));
    }
    int auditTimeout = config.intRange("BULWARK_AUDIT_TIMEOUT_MS", 5000, 100, 60_000);
    limiter = RateLimiter.create(vertx, config, ctx.registry(), ctx.readiness());
    String routesPath = config.string("BULWARK_ROUTES_FILE", null);
    Future<RouteFile> routesLoaded = routesPath == null || routesPath.isBlank()
        ? Future.succeededFuture(RouteFile.fixed(RouteTable.empty()))
        : RouteFile.load(vertx, Path.of(routesPath), limiter.policies()::containsKey, ctx.registry(),
            config.intRange("BULWARK_ROUTES_POLL_MS", 1000, 100, 60_000))
            .recover(err -> Future.failedFuture(new ConfigException("BULWARK_ROUTES_FILE", err.getMessage())));
    AccessCodes codes;
    try {
      codes = AccessCodes.parse(config.string(AccessCodes.SETTING, ""));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    spool = AuditSpool.create(vertx, ctx.database().pool(), config, ctx.registry());
    return Future.all(AdminKeys.load(config, new AdminKeyStore(ctx.database().pool())), routesLoaded, limiter.start(),
            spool.start(), ApiDocs.load(vertx))
        .compose(started -> {
          routes = started.resultAt(1);
          return serve(started.<AdminKeys.Loaded>resultAt(0), auditTimeout, codes, started.resultAt(4));
        });
  }

  private Future<?> serve(AdminKeys.Loaded loaded, int auditTimeout, AccessCodes codes, ApiDocs apiDocs) {
    var config = ctx.config();
    loaded.generatedKey().ifPresent(key -> ctx.notices().add(
        "A development admin key was generated. It is shown only this once; only its hash is kept:\n    " + key
            + "\n  Use it as: curl -H 'Authorization: Bearer <key>' ..."));
    GatewayWiring.Wired wired = GatewayWiring.wire(new GatewayWiring.Parts(vertx, config, ctx.database().pool(),
        ctx.registry(), ctx.readiness(), loaded.keys(), spool::offer, limiter, routes, codes, apiDocs, auditTimeout));
    identity = wired.identity();
    upstream = wired.upstream();
    sessionSweep = vertx.setPeriodic(3_600_000, id -> wired.portal().sweep());
    TrafficRoutes traffic = wired.traffic();

    ping = PingResponder.register(vertx, "gateway", ctx.readiness());
    // fail closed: a gateway that cannot reach the ledger cannot record its decisions, so it is not ready
    ctx.readiness().register("bus:audit", true, () -> PeerCheck.ping(vertx, "gateway", "audit", config.readinessTimeoutMs()));
    int instances = config.intRange("BULWARK_HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 64);
    return Future.all(identity.start(), ping.completion()).compose(x -> listen(traffic, instances));
  }

  /**
   * All traffic verticles listen on the same port and Vert.x spreads connections over them. A configured port of 0
   * (any free one) becomes -1: Vert.x's way of letting several servers share one randomly chosen port.
   */
  private Future<?> listen(TrafficRoutes traffic, int instances) {
    int configured = ctx.config().httpPort();
    int port = configured == 0 ? -1 : configured;
    Queue<TrafficVerticle> deployed = new ConcurrentLinkedQueue<>();
    return vertx.deployVerticle(() -> {
      TrafficVerticle v = new TrafficVerticle(ctx, traffic, port);
      deployed.add(v);
      return v;
    }, new DeploymentOptions().setInstances(instances).setConfig(config()))
        .onSuccess(id -> ctx.ports().http(deployed.peek().actualPort()));
  }

  /** The traffic verticles were deployed by this one, so Vert.x has already stopped them (draining) when this runs. */
  @Override
  public Future<?> stop() {
    if (sessionSweep >= 0) {
      vertx.cancelTimer(sessionSweep);
    }
    // the traffic verticles have drained by now, so every decision they made is in the spool: flush it first
    Future<Void> spooled = spool == null ? Future.succeededFuture() : spool.stop();
    return spooled.eventually(() -> Future.all(ping == null ? Future.succeededFuture() : ping.unregister(),
        identity == null ? Future.succeededFuture() : identity.stop(),
        routes == null ? Future.succeededFuture() : routes.close(),
        upstream == null ? Future.succeededFuture() : upstream.close(),
        limiter == null ? Future.succeededFuture() : limiter.close()));
  }
}
