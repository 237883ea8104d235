package io.bulwark.gateway.traffic;

import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last handler: a request neither an API route nor a proxied route took. With proxied routes mounted on every
 * path the router can no longer tell "wrong method" from "no such path", so this does: 405 with {@code Allow} when an
 * API route has the path with other methods, else 404.
 */
public final class Unrouted implements Handler<RoutingContext> {
  private record Template(String[] segments, Set<HttpMethod> methods) {}

  private final List<Template> templates = new ArrayList<>();

  /** Remembers the router's API routes (those with a path and methods) as they are now. */
  public Unrouted(Router router) {
    for (Route r : router.getRoutes()) {
      // a route with a path parameter counts as a regex route to Vert.x, yet keeps its template as its path
      if (r.getPath() != null && r.methods() != null && !r.methods().isEmpty()) {
        templates.add(new Template(r.getPath().split("/", -1), r.methods()));
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String[] segments = path.split("/", -1);
    Set<String> allowed = new TreeSet<>();
    for (Template t : templates) {
      if (matches(t.segments(), segments)) {
        t.methods().forEach(m -> allowed.add(m.name()));
      }
    }
    if (allowed.isEmpty()) {
      Problem.send(ctx, 404, ErrorCodes.NOT_FOUND, "no route for " + ctx.request().method() + " " + path);
    } else {
      ctx.response().putHeader("Allow", String.join(", ", allowed));
      Problem.send(ctx, 405, ErrorCodes.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + path);
    }
  }

  private static boolean matches(String[] template, String[] path) {
    boolean rest = template.length > 0 && "*".equals(template[template.length - 1]);
    if (rest ? path.length < template.length : template.length != path.length) {
      return false;
    }
    for (int i = 0; i < template.length - (rest ? 1 : 0); i++) {
      boolean param = template[i].startsWith(":");
      if (param ? path[i].isEmpty() : !template[i].equals(path[i])) {
        return false;
      }
    }
    return true;
  }
}
