package io.bulwark.gateway.tenant;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/** A tenant API key as stored (never the key itself), with the state of its tenant for authentication. */
public record KeyRecord(String id, String tenant, String name, Set<String> scopes, Instant createdAt, String createdBy,
                        Instant expiresAt, Instant revokedAt, String revokedBy, String replacedBy, boolean tenantActive) {

  /** Why the key cannot be used at {@code now}, or null when it can. */
  public String refusal(Instant now) {
    if (revokedAt != null) {
      return "revoked";
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return "expired";
    }
    if (!tenantActive) {
      return "tenant_suspended";
    }
    return null;
  }

  public JsonObject toJson(Instant now) {
    String refusal = refusal(now);
    return new JsonObject().put("id", id).put("tenant", tenant).put("name", name)
        .put("scopes", new JsonArray(new TreeSet<>(scopes).stream().toList()))
        .put("createdAt", createdAt.toString()).put("createdBy", createdBy)
        .put("expiresAt", expiresAt == null ? null : expiresAt.toString())
        .put("revokedAt", revokedAt == null ? null : revokedAt.toString()).put("revokedBy", revokedBy)
        .put("replacedBy", replacedBy)
        .put("state", revokedAt != null ? "revoked" : expiresAt != null && !now.isBefore(expiresAt) ? "expired"
            : replacedBy != null ? "replaced" : "active")
        .put("usable", refusal == null);
  }
}
