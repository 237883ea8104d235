package io.bulwark.alert.lifecycle;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A silence: while it is active, alerts whose labels meet all its matchers are kept from notifications. */
public record Silence(UUID id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment, Instant createdAt, String expiredBy) {

  public boolean activeAt(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  public boolean matches(Map<String, String> labels) {
    return matchers.stream().allMatch(m -> m.matches(labels));
  }

  public String status(Instant now) {
    return now.isBefore(startsAt) ? "pending" : now.isBefore(endsAt) ? "active" : "expired";
  }

  public JsonObject toJson(Instant now) {
    JsonArray m = new JsonArray();
    matchers.forEach(x -> m.add(x.toJson()));
    return new JsonObject().put("id", id.toString()).put("matchers", m).put("startsAt", startsAt.toString())
        .put("endsAt", endsAt.toString()).put("createdBy", createdBy).put("comment", comment)
        .put("createdAt", createdAt.toString()).put("expiredBy", expiredBy).put("status", status(now));
  }
}
