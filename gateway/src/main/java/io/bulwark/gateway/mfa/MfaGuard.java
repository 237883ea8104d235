package io.bulwark.gateway.mfa;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.audit.SecurityEvent;
import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an admin for a one-time code in {@code X-MFA-Code} before a sensitive action. A denial is a 401 ({@code
 * mfa.required} without a code, {@code mfa.invalid} for a wrong, malformed or reused code or an operator without an
 * enrolled secret), counted in {@code bulwark_security_events_total{event="mfa.denied"}} and recorded in the ledger
 * through the spool, like every other refused request. An accepted code is used up in the database shared by every
 * gateway instance before the action goes on (503 {@code db.unavailable} when that cannot be done). The code itself is
 * never logged or recorded.
 */
public final class MfaGuard implements Handler<RoutingContext> {
  public static final String HEADER = "X-MFA-Code";
  /** Routing-context key holding the name of the operator whose code was accepted. */
  public static final String OPERATOR = "bulwark.mfa.operator";
  private static final Logger LOG = LoggerFactory.getLogger(MfaGuard.class);
  private final TotpVerifier verifier;
  private final DecisionLog log;
  private final Authenticator auth;
  private final UsedSteps used;

  public MfaGuard(TotpVerifier verifier, UsedSteps used, DecisionLog log, Authenticator auth) {
    this.verifier = verifier;
    this.used = used;
    this.log = log;
    this.auth = auth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String fingerprint = caller.admin() && caller.actor().startsWith("admin:") ? caller.actor().substring("admin:".length()) : null;
    TotpVerifier.Check local = verifier.verify(fingerprint, ctx.request().getHeader(HEADER));
    Future<TotpVerifier.Check> shared = local.outcome() != TotpVerifier.Outcome.ACCEPTED ? Future.succeededFuture(local)
        : used.use(fingerprint, local.step()).map(fresh -> fresh ? local : local.replayed());
    shared.onComplete(ar -> {
      if (ar.failed()) {
        // fail closed: a code that cannot be used up everywhere could be used again at another gateway
        LOG.error("one-time code for {} could not be checked against the other gateways: {}", caller.actor(),
            ar.cause().getMessage(), kv("event", "mfa.unavailable"));
        ctx.fail(new ApiException(503, ErrorCodes.DB_UNAVAILABLE, "one-time codes cannot be checked right now; try again"));
      } else if (ar.result().outcome() == TotpVerifier.Outcome.ACCEPTED) {
        ctx.put(OPERATOR, ar.result().operator());
        ctx.next();
      } else {
        deny(ctx, caller, ar.result());
      }
    });
  }

  private void deny(RoutingContext ctx, Caller caller, TotpVerifier.Check check) {
    JsonObject details = new JsonObject().put("reason", check.outcome().label());
    if (check.operator() != null) {
      details.put("operator", check.operator());
    }
    log.record(SecurityEvent.MFA_DENIED, auth.event(ctx, null, caller.actor(), SecurityEvent.MFA_DENIED.label(), "denied", details));
    LOG.warn("one-time code refused for {}: {}", caller.actor(), check.outcome().label(), kv("event", "mfa.denied"),
        kv("reason", check.outcome().label()));
    if (check.outcome() == TotpVerifier.Outcome.MISSING) {
      ctx.fail(new ApiException(401, ErrorCodes.MFA_REQUIRED, "this action needs a one-time code from your authenticator app in "
          + HEADER));
    } else {
      ctx.fail(new ApiException(401, ErrorCodes.MFA_INVALID, check.outcome() == TotpVerifier.Outcome.NOT_ENROLLED
          ? "no one-time code secret is enrolled for this admin key (" + MfaOperators.SETTING + ")"
          : "the one-time code is wrong, expired or already used"));
    }
  }
}
