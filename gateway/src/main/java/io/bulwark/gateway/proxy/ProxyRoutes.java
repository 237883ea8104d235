package io.bulwark.gateway.proxy;

import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.stream.Collectors;

/**
 * The two ends of the proxied traffic path: {@link #match} finds the route of a request (answering 404 or 405 itself)
 * before authentication runs, and {@link #forwarder()} sends an admitted request on to the route's upstreams.
 */
public final class ProxyRoutes implements Handler<RoutingContext> {
  private final RouteFile routes;
  private final UpstreamProxy proxy;

  public ProxyRoutes(RouteFile routes, UpstreamProxy proxy) {
    this.routes = routes;
    this.proxy = proxy;
    proxy.useRoutes(routes.current());
    routes.onChange(proxy::useRoutes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    match(ctx);
  }

  /**
   * Stores the matched route under {@link ProxyRoute#CTX_KEY} and names the request's metric label after it; without a
   * match the request goes on unmarked.
   */
  public void match(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    ProxyRoute route = routes.current().match(path).orElse(null);
    if (route == null) {
      // not proxied: the router answers 404, or 405 when an API route has this path with another method
      ctx.next();
      return;
    }
    ApiRouter.label(ctx, "proxy:" + route.id());
    HttpMethod method = ctx.request().method();
    if (!route.allows(method)) {
      ctx.response().putHeader("Allow",
          route.methods().stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", ")));
      Problem.send(ctx, 405, ErrorCodes.METHOD_NOT_ALLOWED, method + " is not allowed on " + path);
      return;
    }
    ctx.put(ProxyRoute.CTX_KEY, route);
    ctx.next();
  }

  /**
   * Forwards the route that {@link #match} stored; mount it after authentication and rate limiting. A request with no
   * matched route passes on, to the router's 404 or 405.
   */
  public Handler<RoutingContext> forwarder() {
    return ctx -> {
      ProxyRoute route = ctx.get(ProxyRoute.CTX_KEY);
      if (route == null) {
        ctx.next();
        return;
      }
      proxy.forward(ctx, route);
    };
  }
}
