package io.bulwark.gateway.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The client's address for blocking, auditing and {@code X-Forwarded-For}: the peer address, unless the peer is a
 * configured trusted proxy ({@code BULWARK_TRUSTED_PROXIES}), in which case the right-most untrusted address of
 * {@code X-Forwarded-For}. An untrusted peer cannot choose the address it is judged by.
 */
public final class ClientAddress {
  private static final String KEY = "bulwark.client-ip";
  private final Set<String> trusted;

  public ClientAddress(Set<String> trusted) {
    this.trusted = Set.copyOf(trusted);
  }

  public String of(RoutingContext ctx) {
    String cached = ctx.get(KEY);
    if (cached != null) {
      return cached;
    }
    var remote = ctx.request().remoteAddress();
    String ip = remote == null ? "unknown" : remote.hostAddress();
    if (trusted.contains(ip)) {
      String xff = ctx.request().getHeader("X-Forwarded-For");
      if (xff != null) {
        String[] hops = xff.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
          String hop = hops[i].trim();
          if (!hop.isEmpty() && hop.length() <= 45 && hop.matches("[0-9A-Fa-f:.]+")) {
            ip = hop;
            if (!trusted.contains(hop)) {
              break;
            }
          }
        }
      }
    }
    ctx.put(KEY, ip);
    return ip;
  }
}
