package io.bulwark.gateway.auth;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.audit.SecurityEvent;
import io.bulwark.gateway.regulator.RegulatorPortal;
import io.bulwark.gateway.tenant.KeyRecord;
import io.bulwark.gateway.tenant.TenantKey;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Authenticates a request (admin key, tenant API key or JWT, from {@code Authorization: Bearer} or {@code X-API-Key}),
 * enforces what the route accepts and the scopes it requires, blocks sources that keep failing, and records every
 * decision: successes and failures through the spool, counted in {@code bulwark_security_events_total}.
 */
public final class Authenticator {
  private final AdminKeys admin;
  private final CredentialCache cache;
  private final JwtVerifier jwt;
  private final AuthGuard guard;
  private final ClientAddress client;
  private final DecisionLog log;
  private final RegulatorPortal regulators;
  /** Tells the other gateway instances about a counted failure (see {@link Identity}). */
  private final java.util.function.Consumer<String> shareFailure;
  /** Runs after a successful authentication instead of {@code ctx.next()} (e.g. rate limits); null for none. */
  private final Handler<RoutingContext> then;

  public Authenticator(AdminKeys admin, CredentialCache cache, JwtVerifier jwt, AuthGuard guard, ClientAddress client,
                       DecisionLog log, RegulatorPortal regulators, java.util.function.Consumer<String> shareFailure) {
    this(admin, cache, jwt, guard, client, log, regulators, shareFailure, null);
  }

  private Authenticator(AdminKeys admin, CredentialCache cache, JwtVerifier jwt, AuthGuard guard, ClientAddress client,
                        DecisionLog log, RegulatorPortal regulators, java.util.function.Consumer<String> shareFailure,
                        Handler<RoutingContext> then) {
    this.admin = admin;
    this.cache = cache;
    this.jwt = jwt;
    this.guard = guard;
    this.client = client;
    this.log = log;
    this.regulators = regulators;
    this.shareFailure = shareFailure;
    this.then = then;
  }

  /** The same authentication, followed by {@code next} (which must call {@code ctx.next()} to go on). */
  public Authenticator then(Handler<RoutingContext> next) {
    return new Authenticator(admin, cache, jwt, guard, client, log, regulators, shareFailure, next);
  }

  private void proceed(RoutingContext ctx) {
    if (then == null) {
      ctx.next();
    } else {
      then.handle(ctx);
    }
  }

  /** Admin key only. */
  public Handler<RoutingContext> admin() {
    return require(EnumSet.of(Caller.Kind.ADMIN), Set.of());
  }

  /** A handler admitting the given kinds of caller holding every one of {@code scopes} (admins hold all scopes). */
  public Handler<RoutingContext> require(Set<Caller.Kind> accepted, Set<String> scopes) {
    Set<Caller.Kind> kinds = EnumSet.copyOf(accepted);
    Set<String> needed = Set.copyOf(scopes);
    if (kinds.contains(Caller.Kind.ANONYMOUS)) {
      return ctx -> {
        ctx.put(Caller.KEY, Caller.ANONYMOUS);
        proceed(ctx);
      };
    }
    return ctx -> authenticate(ctx, kinds, needed);
  }

  /**
   * Refuses the request with 429 {@code auth.blocked} when its source address (or the key id it claims) is blocked
   * after repeated failures; true when it did.
   */
  public boolean refuseIfBlocked(RoutingContext ctx, String claimedKeyId) {
    long blockedMs = guard.blockedFor("ip:" + client.of(ctx));
    if (blockedMs == 0 && claimedKeyId != null) {
      blockedMs = guard.blockedFor("key:" + claimedKeyId);
    }
    if (blockedMs == 0) {
      return false;
    }
    log.count(SecurityEvent.AUTH_BLOCKED_REQUEST);
    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (blockedMs + 999) / 1000)));
    ctx.fail(new ApiException(429, ErrorCodes.AUTH_BLOCKED,
        "too many failed authentication attempts from this source; try again later"));
    return true;
  }

  /**
   * Records a failed login that is not a credential on a request (a regulator's wrong access code): audited, counted,
   * and counted toward blocking the source address like a bad key.
   */
  public void loginFailed(RoutingContext ctx, String action, JsonObject details) {
    log.record(SecurityEvent.AUTH_FAILURE, event(ctx, null, "unknown", action, "failure", details));
    blockIfRepeated(ctx, "ip:" + client.of(ctx));
  }

  private void authenticate(RoutingContext ctx, Set<Caller.Kind> kinds, Set<String> needed) {
    String presented = credential(ctx);
    String claimed = TenantKey.claimedId(presented);
    if (refuseIfBlocked(ctx, claimed)) {
      return;
    }
    if (presented == null) {
      deny(ctx, 401, ErrorCodes.AUTH_MISSING, "credentials are required (Authorization: Bearer <key> or X-API-Key)",
          "missing", null, false);
      return;
    }
    resolve(presented).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Resolution r = ar.result();
      if (r.caller() == null) {
        deny(ctx, r.status(), r.code(), r.detail(), r.reason(), claimed, r.countsTowardBlock());
        return;
      }
      Caller caller = r.caller();
      if (!kinds.contains(caller.kind())) {
        forbid(ctx, caller, ErrorCodes.FORBIDDEN, "this route does not accept " + describe(caller.kind()), "wrong_credential");
        return;
      }
      Set<String> missing = new TreeSet<>(needed);
      missing.removeIf(caller::has);
      if (!missing.isEmpty()) {
        forbid(ctx, caller, ErrorCodes.FORBIDDEN_SCOPE, "the credential lacks scope(s): " + String.join(", ", missing),
            "insufficient_scope");
        return;
      }
      ctx.put(Caller.KEY, caller);
      log.record(SecurityEvent.AUTH_SUCCESS, event(ctx, caller.tenant(), caller.actor(), "auth.success", "success",
          new JsonObject().put("credential", caller.kind().label())));
      proceed(ctx);
    });
  }

  private record Resolution(Caller caller, int status, String code, String detail, String reason, boolean countsTowardBlock) {
    static Resolution ok(Caller c) {
      return new Resolution(c, 200, null, null, null, false);
    }

    static Resolution no(int status, String code, String detail, String reason, boolean counts) {
      return new Resolution(null, status, code, detail, reason, counts);
    }
  }

  private Future<Resolution> resolve(String presented) {
    byte[] hash = AdminKeys.hash(presented);
    Optional<String> fp = admin.matchHash(hash);
    if (fp.isPresent()) {
      return Future.succeededFuture(Resolution.ok(new Caller(Caller.Kind.ADMIN, null, null, Set.of(), "admin:" + fp.get())));
    }
    if (RegulatorPortal.looksLikeToken(presented)) {
      return regulators.caller(presented).map(found -> found.map(Resolution::ok).orElseGet(() -> Resolution.no(401,
          ErrorCodes.AUTH_INVALID_TOKEN, "the regulator token is not valid or has expired; log in again",
          "invalid_regulator_token", true)));
    }
    if (JwtVerifier.looksLikeJwt(presented)) {
      if (jwt == null) {
        return Future.succeededFuture(Resolution.no(401, ErrorCodes.AUTH_INVALID_TOKEN, "bearer tokens are not accepted here",
            "jwt_not_configured", true));
      }
      return jwt.verify(presented).compose(
          claims -> cache.tenantActive(claims.tenant()).map(active -> active
              ? Resolution.ok(new Caller(Caller.Kind.JWT, claims.tenant(), null, claims.scopes(), "jwt:" + claims.subject()))
              : Resolution.no(403, ErrorCodes.TENANT_SUSPENDED, "the token's tenant is suspended or unknown", "tenant_inactive", false)),
          err -> Future.succeededFuture(Resolution.no(401, ErrorCodes.AUTH_INVALID_TOKEN, "the token is not valid", "invalid_token", true)));
    }
    return cache.key(hash).map(found -> {
      if (found.isEmpty()) {
        return Resolution.no(401, ErrorCodes.AUTH_INVALID_KEY, "the key is not valid", "unknown_key", true);
      }
      KeyRecord k = found.get();
      String refusal = k.refusal(Instant.now());
      if (refusal == null) {
        return Resolution.ok(new Caller(Caller.Kind.API_KEY, k.tenant(), k.id(), k.scopes(), "key:" + k.id()));
      }
      return switch (refusal) {
        case "revoked" -> Resolution.no(401, ErrorCodes.AUTH_REVOKED_KEY, "the key has been revoked", "revoked_key", false);
        case "expired" -> Resolution.no(401, ErrorCodes.AUTH_EXPIRED_KEY, "the key has expired", "expired_key", false);
        default -> Resolution.no(403, ErrorCodes.TENANT_SUSPENDED, "the key's tenant is suspended", "tenant_suspended", false);
      };
    });
  }

  private void deny(RoutingContext ctx, int status, String code, String detail, String reason, String claimedKeyId,
                    boolean countsTowardBlock) {
    String ip = client.of(ctx);
    JsonObject details = new JsonObject().put("reason", reason);
    if (claimedKeyId != null) {
      details.put("keyId", claimedKeyId);
    }
    log.record(SecurityEvent.AUTH_FAILURE, event(ctx, null, claimedKeyId == null ? "unknown" : "key:" + claimedKeyId,
        "auth.failure", "failure", details));
    if (countsTowardBlock) {
      blockIfRepeated(ctx, "ip:" + ip);
      if (claimedKeyId != null) {
        blockIfRepeated(ctx, "key:" + claimedKeyId);
      }
    }
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.fail(new ApiException(status, code, detail));
  }

  private void blockIfRepeated(RoutingContext ctx, String subject) {
    shareFailure.accept(subject);
    AuthGuard.Block b = guard.failure(subject);
    if (b != null) {
      log.record(SecurityEvent.AUTH_BLOCKED, event(ctx, null, "gateway", "auth.blocked", "denied",
          new JsonObject().put("subject", subject).put("failures", b.failures())
              .put("blockedUntil", Instant.ofEpochMilli(b.untilMs()).toString())));
    }
  }

  private void forbid(RoutingContext ctx, Caller caller, String code, String detail, String reason) {
    log.record(SecurityEvent.FORBIDDEN, event(ctx, caller.tenant(), caller.actor(), "authz.denied", "denied",
        new JsonObject().put("reason", reason)));
    ctx.fail(new ApiException(403, code, detail));
  }

  /** A request-level ledger event for this request. */
  public AuditEvent event(RoutingContext ctx, String tenant, String actor, String action, String outcome, JsonObject details) {
    String route = ApiRouter.labelOf(ctx);
    details.put("method", ctx.request().method().name());
    String path = ctx.normalizedPath();
    details.put("path", path.length() > 200 ? path.substring(0, 200) : path);
    return new AuditEvent("audit", tenant, actor, action, outcome, route == null ? "unmatched" : route,
        RequestIds.of(ctx), client.of(ctx), details);
  }

  private static String describe(Caller.Kind kind) {
    return switch (kind) {
      case ADMIN -> "admin keys";
      case API_KEY -> "tenant API keys";
      case JWT -> "bearer tokens";
      case REGULATOR -> "regulator tokens";
      case ANONYMOUS -> "anonymous requests";
    };
  }

  /** The credential of a request: {@code Authorization: Bearer <x>} or {@code X-API-Key: <x>}. */
  public static String credential(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String v = auth.substring(7).trim();
      return v.isEmpty() ? null : v;
    }
    String apiKey = ctx.request().getHeader("X-API-Key");
    return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
  }
}
