package io.bulwark.gateway.traffic;

import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.proxy.AuthMode;
import io.bulwark.gateway.proxy.ProxyRoute;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates a proxied request the way its route asks (auth modes and required scopes), then hands it on to
 * {@code then} (rate limits, forwarding). A request without a matched route passes through untouched.
 */
public final class RouteAuth implements Handler<RoutingContext> {
  private final Authenticator auth;
  /** One authentication handler per distinct (modes, scopes): routes reload, their requirements repeat. */
  private final Map<String, Handler<RoutingContext>> handlers = new ConcurrentHashMap<>();

  public RouteAuth(Authenticator auth, Handler<RoutingContext> then) {
    this.auth = auth.then(then);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ProxyRoute route = ctx.get(ProxyRoute.CTX_KEY);
    if (route == null) {
      ctx.next();
      return;
    }
    String key = route.auth() + "|" + new java.util.TreeSet<>(route.scopes());
    handlers.computeIfAbsent(key, k -> auth.require(kinds(route), route.scopes())).handle(ctx);
  }

  static Set<Caller.Kind> kinds(ProxyRoute route) {
    Set<Caller.Kind> kinds = EnumSet.noneOf(Caller.Kind.class);
    for (AuthMode m : route.auth()) {
      kinds.add(switch (m) {
        case API_KEY -> Caller.Kind.API_KEY;
        case JWT -> Caller.Kind.JWT;
        case ADMIN -> Caller.Kind.ADMIN;
        case NONE -> Caller.Kind.ANONYMOUS;
      });
    }
    return kinds;
  }
}
