package io.bulwark.gateway.proxy;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the proxy changes in headers and paths on the way to an upstream and back. */
final class ProxyHeaders {
  static final String TENANT = "X-Bulwark-Tenant";
  static final String KEY_ID = "X-Bulwark-Key-Id";
  private static final String BULWARK_PREFIX = "x-bulwark-";
  /** RFC 9110 §7.6.1: meaningful only for one connection, so never relayed. */
  private static final List<String> HOP_BY_HOP = List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
      "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade");

  private ProxyHeaders() {}

  /**
   * Rewrites the request headers for the upstream. Bulwark's credentials are removed because upstreams must not be able
   * to replay them; client-sent {@code X-Bulwark-*} are removed because only the gateway may vouch for a tenant.
   */
  static void toUpstream(RoutingContext ctx, MultiMap headers, Caller caller) {
    HttpServerRequest request = ctx.request();
    removeHopByHop(headers);
    List<String> forwardedFor = headers.getAll("X-Forwarded-For");
    headers.remove("Authorization");
    headers.remove("X-API-Key");
    // The body is already buffered and is sent at once, so there is nothing to wait for.
    headers.remove("Expect");
    List<String> bulwark = new ArrayList<>();
    for (String name : headers.names()) {
      if (name.toLowerCase(Locale.ROOT).startsWith(BULWARK_PREFIX)) {
        bulwark.add(name);
      }
    }
    bulwark.forEach(headers::remove);
    headers.set(RequestIds.HEADER, RequestIds.of(ctx));
    String client = clientIp(request);
    String prior = forwardedFor.isEmpty() ? null : String.join(", ", forwardedFor);
    if (client != null) {
      headers.set("X-Forwarded-For", prior == null ? client : prior + ", " + client);
    }
    headers.set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
    String host = inboundHost(request);
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    } else {
      headers.remove("X-Forwarded-Host");
    }
    if (caller.tenant() != null) {
      headers.set(TENANT, caller.tenant());
      if (caller.keyId() != null) {
        headers.set(KEY_ID, caller.keyId());
      }
    }
  }

  /** Cleans upstream response headers; the gateway's own request id (already on the response) is the one that counts. */
  static void fromUpstream(MultiMap headers) {
    removeHopByHop(headers);
    headers.remove(RequestIds.HEADER);
  }

  /** Hop-by-hop headers, including any that {@code Connection} names. */
  static void removeHopByHop(MultiMap headers) {
    for (String value : headers.getAll("Connection")) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
    }
    HOP_BY_HOP.forEach(headers::remove);
  }

  /**
   * The path and query to request from {@code upstream}: the normalized path (the one the route matched, so dot
   * segments cannot reach past the prefix), without the prefix when the route strips it, under the upstream's base path.
   */
  static String upstreamUri(ProxyRoute route, URI upstream, String normalizedPath, String rawQuery) {
    String path = normalizedPath;
    if (route.stripPrefix() && !route.pathPrefix().equals("/")) {
      path = path.substring(route.pathPrefix().length());
      if (path.isEmpty()) {
        path = "/";
      }
    }
    String base = upstream.getRawPath();
    if (base != null) {
      int end = base.length();
      while (end > 0 && base.charAt(end - 1) == '/') {
        end--;
      }
      path = base.substring(0, end) + path;
    }
    return rawQuery == null ? path : path + "?" + rawQuery;
  }

  private static String clientIp(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  private static String inboundHost(HttpServerRequest request) {
    String host = request.getHeader("Host");
    if (host != null) {
      return host;
    }
    HostAndPort authority = request.authority();
    if (authority == null) {
      return null;
    }
    return authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
  }
}
