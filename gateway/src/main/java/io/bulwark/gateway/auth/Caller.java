package io.bulwark.gateway.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Who a request authenticated as. {@code actor} is what the ledger records (a key id, a key fingerprint or a token
 * subject, never a secret); {@code tenant} is null for admins.
 */
public record Caller(Kind kind, String tenant, String keyId, Set<String> scopes, String actor) {
  /** Routing-context key under which the authenticated caller is stored. */
  public static final String KEY = "bulwark.caller";

  /** How the caller proved who it is. */
  public enum Kind {
    ADMIN("admin"), API_KEY("api-key"), JWT("jwt"), REGULATOR("regulator"), ANONYMOUS("none");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name routes and the ledger use for this kind of credential. */
    public String label() {
      return label;
    }
  }

  public static final Caller ANONYMOUS = new Caller(Kind.ANONYMOUS, null, null, Set.of(), "anonymous");

  public boolean admin() {
    return kind == Kind.ADMIN;
  }

  public boolean has(String scope) {
    return admin() || scopes.contains(scope);
  }

  /** The caller of an authenticated request, or {@link #ANONYMOUS}. */
  public static Caller of(RoutingContext ctx) {
    Caller c = ctx.get(KEY);
    return c == null ? ANONYMOUS : c;
  }
}
