package io.bulwark.shared.bus;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bulwark.audit.append} with several events: every event gets its own index (or its first index, for a retried
 * idempotency id); the reply comes after the transaction holding all of them committed.
 */
public record AppendBatch(List<AppendRequest> requests) {
  public static final int VERSION = 1;
  /** Most events one message may carry; larger submissions are split by the sender. */
  public static final int MAX_EVENTS = 1000;

  public JsonObject toJson() {
    JsonArray events = new JsonArray();
    requests.forEach(r -> events.add(new JsonObject().put("idempotencyId", r.idempotencyId()).put("event", r.event().toJson())));
    return new JsonObject().put("v", VERSION).put("events", events);
  }

  /** True when a message on the append address is a batch rather than a single append. */
  public static boolean isBatch(JsonObject j) {
    return j != null && j.containsKey("events");
  }

  public static AppendBatch fromJson(JsonObject j) {
    Versions.require(j, VERSION, Addresses.AUDIT_APPEND);
    Object raw = j.getValue("events");
    if (!(raw instanceof JsonArray events) || events.isEmpty()) {
      throw ApiException.badRequest("events must be a non-empty array");
    }
    if (events.size() > MAX_EVENTS) {
      throw ApiException.badRequest("at most " + MAX_EVENTS + " events per batch (got " + events.size() + ")");
    }
    List<AppendRequest> requests = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      if (!(events.getValue(i) instanceof JsonObject e)) {
        throw ApiException.badRequest("events[" + i + "] must be an object");
      }
      try {
        requests.add(AppendRequest.parse(e));
      } catch (ApiException problem) {
        throw ApiException.badRequest("events[" + i + "]: " + problem.detail());
      }
    }
    return new AppendBatch(List.copyOf(requests));
  }

  /** The reply: one result per event, in order. */
  public static JsonObject reply(List<AppendReply> results) {
    JsonArray out = new JsonArray();
    results.forEach(r -> out.add(r.toJson()));
    return new JsonObject().put("v", VERSION).put("results", out);
  }
}
