package io.bulwark.gateway.tenant;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A tenant as stored in {@code gateway.tenants}. */
public record Tenant(String id, String name, String status, OffsetDateTime createdAt, String createdBy,
                     OffsetDateTime suspendedAt, String suspendedReason) {
  public boolean active() {
    return "active".equals(status);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("status", status)
        .put("createdAt", createdAt.toInstant().toString()).put("createdBy", createdBy)
        .put("suspendedAt", suspendedAt == null ? null : suspendedAt.toInstant().toString())
        .put("suspendedReason", suspendedReason);
  }
}
