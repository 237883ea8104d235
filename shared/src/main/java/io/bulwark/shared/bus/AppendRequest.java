package io.bulwark.shared.bus;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonObject;

/** {@code bulwark.audit.append}: one event with the idempotency id that makes a retried append return the first index. */
public record AppendRequest(String idempotencyId, AuditEvent event) {
  public static final int VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", VERSION).put("idempotencyId", idempotencyId).put("event", event.toJson());
  }

  public static AppendRequest fromJson(JsonObject j) {
    Versions.require(j, VERSION, Addresses.AUDIT_APPEND);
    return parse(j);
  }

  /** Idempotency id and event of one append, the event checked against {@link AuditEventRules}. */
  static AppendRequest parse(JsonObject j) {
    Object id = j.getValue("idempotencyId");
    if (!(id instanceof String s) || s.isBlank() || s.length() > 200) {
      throw ApiException.badRequest("idempotencyId must be a string of 1-200 characters");
    }
    Object event = j.getValue("event");
    if (!(event instanceof JsonObject e)) {
      throw ApiException.badRequest("event must be an object");
    }
    return new AppendRequest(s, AuditEventRules.validateBusEvent(e));
  }
}
