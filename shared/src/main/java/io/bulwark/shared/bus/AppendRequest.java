package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/** {@code bulwark.audit.append}: one event with the idempotency id that makes a retried append return the first index. */
public record AppendRequest(String idempotencyId, AuditEvent event) {
  public static final int VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", VERSION).put("idempotencyId", idempotencyId).put("event", event.toJson());
  }

  public static AppendRequest fromJson(JsonObject j) {
    Versions.require(j, VERSION, Addresses.AUDIT_APPEND);
    return new AppendRequest(j.getString("idempotencyId"), AuditEvent.fromJson(j.getJsonObject("event")));
  }
}
