package io.bulwark.gateway;

import io.bulwark.gateway.api.AuditApi;
import io.bulwark.gateway.api.EventsApi;
import io.bulwark.gateway.api.TenantApi;
import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.auth.Identity;
import io.bulwark.gateway.store.AdminKeyStore;
import io.bulwark.gateway.store.TenantStore;
import io.bulwark.gateway.proxy.ProxyRoutes;
import io.bulwark.gateway.proxy.RouteFile;
import io.bulwark.gateway.proxy.RouteTable;
import io.bulwark.gateway.proxy.UpstreamProxy;
import io.bulwark.gateway.ratelimit.RateLimiter;
import io.bulwark.gateway.tenant.TenantService;
import io.bulwark.gateway.traffic.RequestLimits;
import io.bulwark.gateway.traffic.RouteAuth;
import io.bulwark.shared.bus.PeerCheck;
import io.bulwark.shared.bus.PingResponder;
import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ShutdownGate;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Wires the gateway's traffic server: identity, tenants and keys, the ledger APIs, and its ping consumer. */
public final class GatewayVerticle extends VerticleBase {
  /** Long enough for every busy client to come back with its next request before the listener closes. */
  private static final int SHUTDOWN_HOLD_MS = 200;
  private final ServiceContext ctx;
  private ShutdownGate gate;
  private HttpServer server;
  private MessageConsumer<JsonObject> ping;
  private Identity identity;
  private RateLimiter limiter;
  private RouteFile routes;
  private UpstreamProxy upstream;

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
    return Future.all(AdminKeys.load(config, new AdminKeyStore(ctx.database().pool())), routesLoaded, limiter.start())
        .compose(started -> {
          routes = started.resultAt(1);
          return serve(started.<AdminKeys.Loaded>resultAt(0), auditTimeout);
        });
  }

  private Future<?> serve(AdminKeys.Loaded loaded, int auditTimeout) {
    var config = ctx.config();
    loaded.generatedKey().ifPresent(key -> ctx.notices().add(
        "A development admin key was generated. It is shown only this once; only its hash is kept:\n    " + key
            + "\n  Use it as: curl -H 'Authorization: Bearer <key>' ..."));
    TenantStore tenants = new TenantStore(ctx.database().pool());
    DecisionLog decisions = new DecisionLog(vertx.eventBus(), auditTimeout, e -> true, ctx.registry());
    identity = new Identity(vertx, config, loaded.keys(), tenants, decisions);
    Authenticator auth = identity.authenticator();
    RequestLimits limits = new RequestLimits(limiter, decisions, auth, identity.client());
    Authenticator limited = auth.then(limits.policies("BULWARK_API_RATE_LIMITS", names(config.string("BULWARK_API_RATE_LIMITS", ""))));
    var admin = auth.admin();
    var reader = limited.require(Identity.READERS, Set.of("audit:read"));
    var writer = limited.require(Identity.READERS, Set.of("audit:write"));

    Router router = ApiRouter.create(vertx, ctx.registry(), ctx.drain(), config.maxBodyBytes());
    gate = new ShutdownGate(vertx);
    router.route().handler(gate);
    EventsApi events = new EventsApi(vertx.eventBus(), auditTimeout);
    ApiRouter.route(router, HttpMethod.POST, "/v1/events").handler(writer).handler(events::append);
    ApiRouter.route(router, HttpMethod.GET, "/v1/events/:index").handler(reader).handler(events::get);
    new AuditApi(vertx.eventBus(), auditTimeout).mount(router, admin, reader);
    new TenantApi(new TenantService(tenants, decisions, vertx.eventBus()), identity.client()).mount(router, admin);
    // everything else is a proxied route from the routes file: match, authenticate as the route says, limit, forward
    upstream = new UpstreamProxy(vertx, ctx.registry());
    ProxyRoutes proxy = new ProxyRoutes(routes, upstream);
    router.route().handler(proxy::match).handler(new RouteAuth(auth)).handler(limits.forRoute()).handler(proxy.forwarder());

    ping = PingResponder.register(vertx, "gateway", ctx.readiness());
    // fail closed: a gateway that cannot reach the ledger cannot record its decisions, so it is not ready
    ctx.readiness().register("bus:audit", true, () -> PeerCheck.ping(vertx, "gateway", "audit", config.readinessTimeoutMs()));
    return Future.all(identity.start(),
        vertx.createHttpServer().connectionHandler(gate::track).invalidRequestHandler(new io.bulwark.shared.http.MalformedRequests())
            .requestHandler(router).listen(config.httpPort(), config.bindHost())
            .onSuccess(s -> {
              server = s;
              ctx.ports().http(s.actualPort());
            }),
        ping.completion());
  }

  private static List<String> names(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
  }

  @Override
  public Future<?> stop() {
    // no hold when the operator configured no drain: that asks for an immediate stop
    long holdMs = Math.min(SHUTDOWN_HOLD_MS, ctx.config().shutdownDrainMs());
    Future<Void> s = server == null ? Future.succeededFuture()
        : gate.shutdown(server, holdMs, ctx.config().shutdownTimeoutMs());
    return s.eventually(() -> Future.all(ping == null ? Future.succeededFuture() : ping.unregister(),
        identity == null ? Future.succeededFuture() : identity.stop(),
        routes == null ? Future.succeededFuture() : routes.close(),
        upstream == null ? Future.succeededFuture() : upstream.close(),
        limiter == null ? Future.succeededFuture() : limiter.close()));
  }

}
