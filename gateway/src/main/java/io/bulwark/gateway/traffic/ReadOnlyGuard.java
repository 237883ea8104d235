package io.bulwark.gateway.traffic;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.audit.SecurityEvent;
import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.regulator.RegulatorPortal;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * First on every traffic request: a write (anything but GET, HEAD, OPTIONS) carrying a regulator token is refused
 * with 403 {@code auth.read_only} wherever it is sent, before any route or upstream sees it. Regulator sessions are
 * read-only by construction, not by each route remembering to refuse them.
 */
public final class ReadOnlyGuard implements Handler<RoutingContext> {
  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private final Authenticator auth;
  private final DecisionLog log;

  public ReadOnlyGuard(Authenticator auth, DecisionLog log) {
    this.auth = auth;
    this.log = log;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (READS.contains(ctx.request().method()) || !RegulatorPortal.looksLikeToken(Authenticator.credential(ctx))) {
      ctx.next();
      return;
    }
    log.record(SecurityEvent.FORBIDDEN, auth.event(ctx, null, "regulator", "authz.denied", "denied",
        new JsonObject().put("reason", "read_only")));
    ctx.fail(new ApiException(403, ErrorCodes.AUTH_READ_ONLY,
        "regulator sessions are read-only: " + ctx.request().method().name() + " is not allowed"));
  }
}
