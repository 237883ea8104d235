package io.bulwark.gateway.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What {@link AlertQuery} and {@link SilenceSpec} let through to alert-service, and what they refuse. */
class AlertRequestCheckTest {
  private static final Instant NOW = Instant.parse("2026-11-23T22:00:00Z");
  private static final Duration MAX = Duration.ofDays(90);

  @Test
  void aListQueryBecomesTheBusMessage() {
    MultiMap q = MultiMap.caseInsensitiveMultiMap().add("state", "open").add("severity", "critical").add("limit", "20")
        .add("label", "service=gateway").add("label", "route=/v1/x=y");
    assertEquals(new JsonObject().put("state", "open").put("severity", "critical").put("limit", 20)
        .put("labels", new JsonObject().put("service", "gateway").put("route", "/v1/x=y")), AlertQuery.list(q));
    assertEquals(new JsonObject(), AlertQuery.list(MultiMap.caseInsensitiveMultiMap()));
  }

  @Test
  void badListQueriesAreRefused() {
    String[][] bad = {{"state", "burning"}, {"severity", "CRITICAL"}, {"limit", "0"}, {"limit", "1001"}, {"limit", "x"},
        {"label", "service"}, {"label", "9x=y"}, {"label", "a="}, {"label", "a=\u0007"}, {"tenant", "acme"}};
    for (String[] p : bad) {
      assertRefused(() -> AlertQuery.list(MultiMap.caseInsensitiveMultiMap().add(p[0], p[1])), p[0] + "=" + p[1]);
    }
    assertRefused(() -> AlertQuery.list(MultiMap.caseInsensitiveMultiMap().add("label", "a=1").add("label", "a=2")), "same label twice");
    assertRefused(() -> AlertQuery.list(MultiMap.caseInsensitiveMultiMap().add("state", "open").add("state", "firing")), "state twice");
  }

  @Test
  void idsMustBeUuids() {
    assertEquals("3f2b8c1e-9a4d-4e7f-b6a1-0c5d2e8f9a7b", AlertQuery.uuid("3F2B8C1E-9A4D-4E7F-B6A1-0C5D2E8F9A7B", "alert"));
    for (String bad : new String[] {"1", "silences", "3f2b8c1e9a4d4e7fb6a10c5d2e8f9a7b", "3f2b8c1e-9a4d-4e7f-b6a1-0c5d2e8f9a7", "' or 1=1"}) {
      assertRefused(() -> AlertQuery.uuid(bad, "alert"), bad);
    }
  }

  @Test
  void aSilenceBecomesTheBusMessage() {
    JsonObject body = silence().put("durationSeconds", 7200);
    JsonObject msg = SilenceSpec.parse(body, NOW, MAX, "admin:0123456789ab");
    assertEquals("2026-11-24T00:00:00Z", msg.getString("endsAt"));
    assertEquals("admin:0123456789ab", msg.getString("createdBy"));
    assertEquals(new JsonObject().put("name", "alertname").put("value", "HighErrorRate").put("isRegex", false).put("isEqual", true),
        msg.getJsonArray("matchers").getJsonObject(0));
    assertEquals("gateway|audit", msg.getJsonArray("matchers").getJsonObject(1).getString("value"));
    JsonObject until = SilenceSpec.parse(silence().put("startsAt", "2026-11-24T01:00:00+01:00").put("endsAt", "2026-11-25T00:00:00Z"),
        NOW, MAX, "admin:x");
    assertEquals("2026-11-24T00:00:00Z", until.getString("startsAt"));
  }

  @Test
  void badSilencesAreRefused() {
    assertRefused(() -> SilenceSpec.parse(silence(), NOW, MAX, "a"), "neither endsAt nor durationSeconds");
    assertRefused(() -> SilenceSpec.parse(silence().put("durationSeconds", 60).put("endsAt", "2026-11-24T00:00:00Z"), NOW, MAX, "a"), "both");
    assertRefused(() -> SilenceSpec.parse(silence().put("endsAt", "2026-11-23T21:00:00Z"), NOW, MAX, "a"), "in the past");
    assertRefused(() -> SilenceSpec.parse(silence().put("endsAt", "tomorrow"), NOW, MAX, "a"), "not a time");
    assertRefused(() -> SilenceSpec.parse(silence().put("durationSeconds", 91L * 86400), NOW, MAX, "a"), "longer than 90 days");
    assertRefused(() -> SilenceSpec.parse(silence().put("startsAt", "2026-11-30T00:00:00Z").put("endsAt", "2026-11-29T00:00:00Z"),
        NOW, MAX, "a"), "end before start");
    assertRefused(() -> SilenceSpec.parse(silence().put("durationSeconds", 1.5), NOW, MAX, "a"), "fractional duration");
    assertRefused(() -> SilenceSpec.parse(silence().put("durationSeconds", 60).put("createdBy", "x"), NOW, MAX, "a"), "unknown field");
    assertRefused(() -> SilenceSpec.parse(silence().put("durationSeconds", 60).put("comment", " "), NOW, MAX, "a"), "blank comment");
    for (JsonArray matchers : new JsonArray[] {new JsonArray(), new JsonArray().add("x"),
        new JsonArray().add(new JsonObject().put("name", "a b").put("value", "x")),
        new JsonArray().add(new JsonObject().put("name", "a").put("value", "x".repeat(1025))),
        new JsonArray().add(new JsonObject().put("name", "a").put("value", "(unclosed").put("isRegex", true)),
        new JsonArray().add(new JsonObject().put("name", "a").put("value", ".*").put("isRegex", true)),
        new JsonArray().add(new JsonObject().put("name", "a").put("value", "x").put("isEqual", false)),
        new JsonArray().add(new JsonObject().put("name", "a").put("value", "x").put("isRegex", "yes")),
        new JsonArray().add(new JsonObject().put("name", "a").put("value", "x").put("extra", 1))}) {
      assertRefused(() -> SilenceSpec.parse(new JsonObject().put("matchers", matchers).put("durationSeconds", 60).put("comment", "c"),
          NOW, MAX, "a"), matchers.encode());
    }
  }

  private static JsonObject silence() {
    return new JsonObject().put("comment", "deploying the fix").put("matchers", new JsonArray()
        .add(new JsonObject().put("name", "alertname").put("value", "HighErrorRate"))
        .add(new JsonObject().put("name", "service").put("value", "gateway|audit").put("isRegex", true)));
  }

  private static void assertRefused(Runnable r, String what) {
    ApiException e = assertThrows(ApiException.class, r::run, what);
    assertEquals(400, e.status(), what);
    assertEquals("validation.failed", e.code(), what);
    assertTrue(!e.detail().isBlank(), what);
  }
}
