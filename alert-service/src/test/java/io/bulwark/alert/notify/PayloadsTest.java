package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bodies have exactly the field names of Alertmanager's webhook v4, its v2 API and PagerDuty Events v2. */
class PayloadsTest {
  static AlertRow alert(String name, String state, Map<String, String> extra) {
    Map<String, String> labels = new java.util.HashMap<>(Map.of("alertname", name, "severity", "critical", "service", "gateway"));
    labels.putAll(extra);
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    return new AlertRow(UUID.nameUUIDFromBytes((name + extra).getBytes()), "fp-" + name + extra.hashCode(), state, "critical",
        labels, Map.of("summary", name + " is bad", "window", "1h/5m"), t, t.plusSeconds(60),
        "resolved".equals(state) ? t.plusSeconds(600) : null, false, false, null, 1);
  }

  @Test
  void webhookV4FieldNames() {
    AlertRow firing = alert("HighErrorRate", "firing", Map.of("instance", "a"));
    AlertRow resolved = alert("HighErrorRate", "resolved", Map.of("instance", "b"));
    JsonObject p = Payloads.webhook("hook", "hook/0/{alertname=\"HighErrorRate\"}", Map.of("alertname", "HighErrorRate"),
        List.of(firing, resolved), "http://bulwark.example:9083");
    assertEquals(new TreeSet<>(Set.of("version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels",
        "commonLabels", "commonAnnotations", "externalURL", "alerts")), new TreeSet<>(p.fieldNames()));
    assertEquals("4", p.getString("version"));
    assertEquals("firing", p.getString("status"));
    assertEquals(0, p.getInteger("truncatedAlerts"));
    assertEquals(new JsonObject().put("alertname", "HighErrorRate").put("service", "gateway").put("severity", "critical"),
        p.getJsonObject("commonLabels"));
    assertEquals("HighErrorRate is bad", p.getJsonObject("commonAnnotations").getString("summary"));
    JsonObject a = p.getJsonArray("alerts").getJsonObject(0);
    assertEquals(new TreeSet<>(Set.of("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint")),
        new TreeSet<>(a.fieldNames()));
    assertEquals("2026-11-23T10:01:00Z", a.getString("startsAt"));
    assertEquals("0001-01-01T00:00:00Z", a.getString("endsAt"));
    assertEquals("http://bulwark.example:9083/alerts/" + firing.id(), a.getString("generatorURL"));
    JsonObject r = p.getJsonArray("alerts").getJsonObject(1);
    assertEquals("resolved", r.getString("status"));
    assertEquals("2026-11-23T10:10:00Z", r.getString("endsAt"));
    JsonObject allResolved = Payloads.webhook("hook", "k", Map.of(), List.of(resolved), "http://x");
    assertEquals("resolved", allResolved.getString("status"));
  }

  @Test
  void alertmanagerV2Array() {
    JsonArray body = Payloads.alertmanager(List.of(alert("A", "firing", Map.of()), alert("B", "resolved", Map.of())), "http://x/");
    JsonObject f = body.getJsonObject(0);
    assertEquals(new TreeSet<>(Set.of("labels", "annotations", "startsAt", "generatorURL")), new TreeSet<>(f.fieldNames()));
    assertEquals("A", f.getJsonObject("labels").getString("alertname"));
    assertEquals("2026-11-23T10:10:00Z", body.getJsonObject(1).getString("endsAt"));
  }

  @Test
  void pagerDutyEventsV2() {
    AlertRow a = alert("DbDown", "firing", Map.of());
    JsonObject trigger = Payloads.pagerduty(a, "http://x");
    assertEquals("trigger", trigger.getString("event_action"));
    assertEquals(a.fingerprint(), trigger.getString("dedup_key"));
    assertNull(trigger.getString("routing_key"), "the routing key is added at send time, never stored");
    JsonObject payload = trigger.getJsonObject("payload");
    assertEquals("DbDown is bad", payload.getString("summary"));
    assertEquals("gateway", payload.getString("source"));
    assertEquals("critical", payload.getString("severity"));
    assertEquals("1h/5m", payload.getJsonObject("custom_details").getJsonObject("annotations").getString("window"));
    JsonObject resolve = Payloads.pagerduty(alert("DbDown", "resolved", Map.of()), "http://x");
    assertEquals("resolve", resolve.getString("event_action"));
    assertFalse(resolve.containsKey("payload"));
  }
}
