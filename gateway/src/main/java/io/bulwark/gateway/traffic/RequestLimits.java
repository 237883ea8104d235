package io.bulwark.gateway.traffic;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.audit.SecurityEvent;
import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.gateway.proxy.ProxyRoute;
import io.bulwark.gateway.ratelimit.Decision;
import io.bulwark.gateway.ratelimit.RateLimitHeaders;
import io.bulwark.gateway.ratelimit.RateLimitPolicy;
import io.bulwark.gateway.ratelimit.RateLimiter;
import io.bulwark.gateway.ratelimit.Subject;
import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies rate-limit policies to an authenticated request: each policy counts per API key (or token subject, or
 * source address for anonymous callers) or per tenant, as its scope says. A refusal is 429 {@code ratelimit.exceeded}
 * with {@code Retry-After} and the RateLimit headers, counted and recorded; with Redis down and the fallback set to
 * closed it is 503 {@code ratelimit.unavailable}.
 */
public final class RequestLimits {
  private final RateLimiter limiter;
  private final DecisionLog log;
  private final Authenticator auth;
  private final ClientAddress client;

  public RequestLimits(RateLimiter limiter, DecisionLog log, Authenticator auth, ClientAddress client) {
    this.limiter = limiter;
    this.log = log;
    this.auth = auth;
    this.client = client;
  }

  /** A handler for fixed routes, with policy names checked now (start-up fails on an unknown name). */
  public Handler<RoutingContext> policies(String configKey, List<String> names) {
    List<RateLimitPolicy> resolved = new ArrayList<>();
    for (String n : names) {
      RateLimitPolicy p = limiter.policies().get(n);
      if (p == null) {
        throw new ConfigException(configKey, "names rate-limit policy " + n + ", which BULWARK_RATE_LIMITS does not define");
      }
      resolved.add(p);
    }
    return ctx -> apply(ctx, resolved, RoutingContext::next);
  }

  /** A handler for proxied routes: the policies the matched route names; a request they admit goes on to {@code then}. */
  public Handler<RoutingContext> forRoute(Handler<RoutingContext> then) {
    return ctx -> {
      ProxyRoute route = ctx.get(ProxyRoute.CTX_KEY);
      List<RateLimitPolicy> resolved = new ArrayList<>();
      for (String n : route.rateLimits()) {
        RateLimitPolicy p = limiter.policies().get(n);
        if (p != null) {
          resolved.add(p);
        }
      }
      apply(ctx, resolved, then);
    };
  }

  private void apply(RoutingContext ctx, List<RateLimitPolicy> policies, Handler<RoutingContext> then) {
    if (policies.isEmpty()) {
      then.handle(ctx);
      return;
    }
    Caller caller = Caller.of(ctx);
    List<Subject> subjects = new ArrayList<>(policies.size());
    for (RateLimitPolicy p : policies) {
      subjects.add(new Subject(p, subject(p, caller, ctx)));
    }
    limiter.check(subjects).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Decision d = ar.result();
      if (d.policy() != null) {
        RateLimitHeaders.apply(ctx.response(), d);
      }
      if (d.allowed()) {
        then.handle(ctx);
      } else if (d.mode() == Decision.Mode.CLOSED) {
        ctx.fail(new ApiException(503, ErrorCodes.RATE_LIMIT_UNAVAILABLE,
            "rate limits cannot be checked right now and this gateway is set to refuse traffic then"));
      } else {
        log.record(SecurityEvent.RATE_LIMITED, auth.event(ctx, caller.tenant(), caller.actor(), "ratelimit.exceeded", "denied",
            new JsonObject().put("policy", d.policy()).put("limit", d.limit()).put("mode", d.mode().label())));
        ctx.fail(new ApiException(429, ErrorCodes.RATE_LIMITED, "rate limit " + d.policy() + " exceeded; retry after "
            + d.retryAfterSeconds() + " s"));
      }
    });
  }

  private String subject(RateLimitPolicy p, Caller caller, RoutingContext ctx) {
    if (p.scope() == RateLimitPolicy.Scope.TENANT && caller.tenant() != null) {
      return "t:" + caller.tenant();
    }
    return switch (caller.kind()) {
      case API_KEY -> "k:" + caller.keyId();
      case JWT, ADMIN, REGULATOR -> "a:" + caller.actor();
      case ANONYMOUS -> "ip:" + client.of(ctx);
    };
  }
}
