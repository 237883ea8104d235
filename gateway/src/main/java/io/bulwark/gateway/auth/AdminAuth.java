package io.bulwark.gateway.auth;

import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Lets a request through only with a valid admin key ({@code Authorization: Bearer} or {@code X-API-Key}). */
public final class AdminAuth implements Handler<RoutingContext> {
  /** Routing-context key holding the caller's attribution, e.g. {@code admin:3fa2c1d09b7e}. */
  public static final String ACTOR = "bulwark.actor";
  private final AdminKeys keys;

  public AdminAuth(AdminKeys keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String presented = credential(ctx);
    if (presented == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(new ApiException(401, ErrorCodes.AUTH_MISSING, "an admin key is required (Authorization: Bearer <key>)"));
      return;
    }
    Optional<String> fp = keys.match(presented);
    if (fp.isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      ctx.fail(new ApiException(401, ErrorCodes.AUTH_INVALID_KEY, "the key is not a valid admin key"));
      return;
    }
    ctx.put(ACTOR, "admin:" + fp.get());
    ctx.next();
  }

  static String credential(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String v = auth.substring(7).trim();
      return v.isEmpty() ? null : v;
    }
    String apiKey = ctx.request().getHeader("X-API-Key");
    return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
  }
}
