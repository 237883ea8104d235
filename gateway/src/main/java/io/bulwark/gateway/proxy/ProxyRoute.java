package io.bulwark.gateway.proxy;

import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One proxied route of the routes file: requests under {@code pathPrefix} go to {@code upstreams} (round robin) once
 * {@code auth}, {@code scopes} and {@code rateLimits} have let them through. An empty {@code methods} allows any method.
 */
public record ProxyRoute(String id, String pathPrefix, List<URI> upstreams, Set<HttpMethod> methods, List<AuthMode> auth,
    Set<String> scopes, List<String> rateLimits, Duration timeout, int retries, CircuitSettings circuit,
    boolean stripPrefix) {
  /** Routing-context key under which the matched route is stored for the handlers after the match. */
  public static final String CTX_KEY = "bulwark.proxy.route";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final List<AuthMode> DEFAULT_AUTH = List.of(AuthMode.API_KEY);

  public ProxyRoute {
    upstreams = List.copyOf(upstreams);
    methods = Set.copyOf(methods);
    auth = List.copyOf(auth);
    scopes = Set.copyOf(scopes);
    rateLimits = List.copyOf(rateLimits);
  }

  public boolean allows(HttpMethod method) {
    return methods.isEmpty() || methods.contains(method);
  }

  /** True when {@code normalizedPath} is the prefix itself or lies below it on a segment boundary. */
  public boolean covers(String normalizedPath) {
    if (pathPrefix.equals("/")) {
      return normalizedPath.startsWith("/");
    }
    return normalizedPath.startsWith(pathPrefix)
        && (normalizedPath.length() == pathPrefix.length() || normalizedPath.charAt(pathPrefix.length()) == '/');
  }
}
