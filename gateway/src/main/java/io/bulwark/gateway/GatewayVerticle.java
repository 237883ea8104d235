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
import io.bulwark.gateway.tenant.TenantService;
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
    return AdminKeys.load(config, new AdminKeyStore(ctx.database().pool())).compose(loaded -> {
      loaded.generatedKey().ifPresent(key -> ctx.notices().add(
          "A development admin key was generated. It is shown only this once; only its hash is kept:\n    " + key
              + "\n  Use it as: curl -H 'Authorization: Bearer <key>' ..."));
      TenantStore tenants = new TenantStore(ctx.database().pool());
      DecisionLog decisions = new DecisionLog(vertx.eventBus(), auditTimeout, e -> true, ctx.registry());
      identity = new Identity(vertx, config, loaded.keys(), tenants, decisions);
      Authenticator auth = identity.authenticator();
      var admin = auth.admin();
      var reader = auth.require(Identity.READERS, Set.of("audit:read"));
      var writer = auth.require(Identity.READERS, Set.of("audit:write"));

      Router router = ApiRouter.create(vertx, ctx.registry(), ctx.drain(), config.maxBodyBytes());
      gate = new ShutdownGate(vertx);
      router.route().handler(gate);
      EventsApi events = new EventsApi(vertx.eventBus(), auditTimeout);
      ApiRouter.route(router, HttpMethod.POST, "/v1/events").handler(writer).handler(events::append);
      ApiRouter.route(router, HttpMethod.GET, "/v1/events/:index").handler(reader).handler(events::get);
      new AuditApi(vertx.eventBus(), auditTimeout).mount(router, admin, reader);
      new TenantApi(new TenantService(tenants, decisions, vertx.eventBus()), identity.client()).mount(router, admin);

      ping = PingResponder.register(vertx, "gateway", ctx.readiness());
      // fail closed: a gateway that cannot reach the ledger cannot record its decisions, so it is not ready
      ctx.readiness().register("bus:audit", true, () -> PeerCheck.ping(vertx, "gateway", "audit", config.readinessTimeoutMs()));
      return Future.all(identity.start(),
          vertx.createHttpServer().connectionHandler(gate::track).requestHandler(router).listen(config.httpPort(), config.bindHost())
              .onSuccess(s -> {
                server = s;
                ctx.ports().http(s.actualPort());
              }),
          ping.completion());
    });
  }

  @Override
  public Future<?> stop() {
    // no hold when the operator configured no drain: that asks for an immediate stop
    long holdMs = Math.min(SHUTDOWN_HOLD_MS, ctx.config().shutdownDrainMs());
    Future<Void> s = server == null ? Future.succeededFuture()
        : gate.shutdown(server, holdMs, ctx.config().shutdownTimeoutMs());
    return Future.all(s, ping == null ? Future.succeededFuture() : ping.unregister(),
        identity == null ? Future.succeededFuture() : identity.stop());
  }

}
