package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.audit.SecurityEvent;
import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.gateway.compliance.LedgerReads;
import io.bulwark.gateway.regulator.AccessCodes;
import io.bulwark.gateway.regulator.RegulatorPortal;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.management.Readiness;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regulator portal: login with an access code for a short-lived read-only token, and read-only views of the
 * compliance report, evidence packs, the signed checkpoint and verifier keys. Every login, failed login and access is
 * a ledger entry; writes with a regulator token never get here ({@code ReadOnlyGuard} refuses them first).
 */
public final class RegulatorApi {
  private static final Logger LOG = LoggerFactory.getLogger(RegulatorApi.class);
  private final RegulatorPortal portal;
  private final Authenticator auth;
  private final DecisionLog log;
  private final ComplianceApi views;
  private final LedgerReads ledger;
  private final Readiness readiness;
  private final ClientAddress client;

  public RegulatorApi(RegulatorPortal portal, Authenticator auth, DecisionLog log, ComplianceApi views, LedgerReads ledger,
                      Readiness readiness, ClientAddress client) {
    this.portal = portal;
    this.auth = auth;
    this.log = log;
    this.views = views;
    this.ledger = ledger;
    this.readiness = readiness;
    this.client = client;
  }

  /** {@code admin} guards the operator's control over the portal (ending sessions). */
  public void mount(Router router, Handler<RoutingContext> admin) {
    Handler<RoutingContext> regulator = auth.require(EnumSet.of(Caller.Kind.REGULATOR), Set.of());
    Handler<RoutingContext> audited = ctx -> {
      Caller c = Caller.of(ctx);
      log.record(SecurityEvent.REGULATOR_ACCESS, auth.event(ctx, null, c.actor(), "regulator.access", "success", new JsonObject()));
      ctx.next();
    };
    ApiRouter.route(router, HttpMethod.GET, "/regulator/health").handler(this::health);
    ApiRouter.route(router, HttpMethod.POST, "/regulator/login").handler(this::login);
    ApiRouter.route(router, HttpMethod.GET, "/regulator/session").handler(regulator).handler(audited).handler(this::session);
    ApiRouter.route(router, HttpMethod.GET, "/regulator/report").handler(regulator).handler(audited).handler(views::report);
    ApiRouter.route(router, HttpMethod.GET, "/regulator/evidence").handler(regulator).handler(audited).handler(views::listPacks);
    ApiRouter.route(router, HttpMethod.GET, "/regulator/evidence/:id").handler(regulator).handler(audited)
        .handler(views::downloadPack);
    ApiRouter.route(router, HttpMethod.GET, "/regulator/checkpoint").handler(regulator).handler(audited).handler(this::checkpoint);
    ApiRouter.route(router, HttpMethod.GET, "/regulator/keys").handler(regulator).handler(audited).handler(this::keys);
    ApiRouter.route(router, HttpMethod.DELETE, "/admin/regulator/sessions").handler(admin).handler(this::endSessions);
  }

  /** For probes: no credential, no ledger entry; says whether the portal is open and the gateway ready. */
  private void health(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    boolean ready = readiness.ready();
    ctx.response().setStatusCode(ready ? 200 : 503);
    Answers.json(ctx, new JsonObject().put("ok", ready).put("portal", portal.enabled() ? "enabled" : "disabled")
        .put("readOnly", true));
  }

  private void login(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    if (auth.refuseIfBlocked(ctx, null)) {
      return;
    }
    if (!portal.enabled()) {
      throw new ApiException(403, ErrorCodes.REGULATOR_DISABLED, "the regulator portal is not enabled on this gateway ("
          + AccessCodes.SETTING + " is empty)");
    }
    JsonObject body = Bodies.object(ctx, Set.of("accessCode"), true);
    String code = Bodies.string(body, "accessCode", true, AccessCodes.MAX_CODE_LENGTH);
    var name = portal.codeName(code);
    if (name.isEmpty()) {
      auth.loginFailed(ctx, "regulator.login", new JsonObject().put("reason", "invalid_access_code"));
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      throw new ApiException(401, ErrorCodes.AUTH_INVALID_ACCESS_CODE, "the access code is not valid");
    }
    portal.open(name.get(), client.of(ctx)).onSuccess(opened -> {
      String actor = "regulator:" + name.get();
      log.record(SecurityEvent.REGULATOR_LOGIN, auth.event(ctx, null, actor, "regulator.login", "success",
          new JsonObject().put("expiresAt", opened.session().expiresAt().toString())));
      LOG.info("regulator {} logged in", name.get(), kv("event", "regulator.login"), kv("actor", actor));
      long expiresIn = Math.max(0, opened.session().expiresAt().getEpochSecond() - Instant.now().getEpochSecond());
      Answers.json(ctx, new JsonObject().put("token", opened.token()).put("tokenType", "Bearer")
          .put("expiresAt", opened.session().expiresAt().toString()).put("expiresIn", expiresIn).put("readOnly", true));
    }).onFailure(ctx::fail);
  }

  private void session(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    portal.session(Authenticator.credential(ctx)).onSuccess(s -> {
      if (s.isEmpty()) {
        ctx.fail(new ApiException(401, ErrorCodes.AUTH_INVALID_TOKEN, "the regulator session has ended; log in again"));
        return;
      }
      Answers.json(ctx, new JsonObject().put("name", s.get().codeName()).put("createdAt", s.get().createdAt().toString())
          .put("expiresAt", s.get().expiresAt().toString()).put("readOnly", true));
    }).onFailure(ctx::fail);
  }

  private void endSessions(RoutingContext ctx) {
    JsonObject q = AuditApi.query(ctx, Set.of("name"));
    String name = q.getString("name");
    if (name != null && !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw ApiException.badRequest("name must be an access code's name (1-64 of letters, digits, '.', '_' and '-')");
    }
    Caller by = Caller.of(ctx);
    String requestId = io.bulwark.shared.http.RequestIds.of(ctx);
    portal.end(name, n -> log.required("gw:" + requestId + ":regulator.sessions.end", new io.bulwark.shared.bus.AuditEvent("audit",
            null, by.actor(), "regulator.sessions.end", "success", name == null ? "all" : "regulator:" + name, requestId,
            client.of(ctx), new JsonObject().put("ended", n))))
        .onSuccess(n -> {
          LOG.info("{} regulator session(s) ended by {}", n, by.actor(), kv("event", "regulator.sessions.end"), kv("ended", n));
          Answers.json(ctx, new JsonObject().put("ended", n).put("name", name));
        }).onFailure(ctx::fail);
  }

  private void checkpoint(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    ledger.checkpoint().onSuccess(cp -> Answers.text(ctx, cp.note())).onFailure(ctx::fail);
  }

  private void keys(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    ledger.verifierKeys().onSuccess(keys -> Answers.text(ctx, String.join("\n", keys) + "\n")).onFailure(ctx::fail);
  }
}
