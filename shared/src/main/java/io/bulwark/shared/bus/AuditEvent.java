package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * An audit event as submitted for the ledger (the ledger adds index and time). {@code category} is {@code audit} for
 * security decisions and actions, {@code system} for failures and denials the services report.
 */
public record AuditEvent(String category, String tenant, String actor, String action, String outcome, String target,
                         String requestId, String sourceIp, JsonObject details) {

  public JsonObject toJson() {
    return new JsonObject().put("category", category).put("tenant", tenant).put("actor", actor).put("action", action)
        .put("outcome", outcome).put("target", target).put("requestId", requestId).put("sourceIp", sourceIp)
        .put("details", details == null ? new JsonObject() : details);
  }

  public static AuditEvent fromJson(JsonObject j) {
    return new AuditEvent(j.getString("category"), j.getString("tenant"), j.getString("actor"), j.getString("action"),
        j.getString("outcome"), j.getString("target"), j.getString("requestId"), j.getString("sourceIp"),
        j.getJsonObject("details", new JsonObject()));
  }
}
