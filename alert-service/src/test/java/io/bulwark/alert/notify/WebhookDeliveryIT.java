package io.bulwark.alert.notify;

import static io.bulwark.alert.notify.OutboxBed.await;
import static io.bulwark.alert.notify.OutboxBed.quietly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alert rows become signed Alertmanager-v4 webhooks, PagerDuty events and Alertmanager v2 posts at a real local receiver. */
class WebhookDeliveryIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private OutboxBed bed;
  private TestReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    bed = new OutboxBed("notify_delivery");
    // the receiver holds only the older secret: it verifies because both secrets sign during the rotation
    receiver = new TestReceiver(bed.vertx, TestPostgres.freePort(), List.of("it-notify-webhook-secret-old-0123456789")).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    receiver.close();
    bed.close();
  }

  @Test
  void firingAndResolvedAlertAreDeliveredSignedAndMarkedNotified() throws Exception {
    bed.deploy(receiver.port, 5);
    UUID id = bed.fire("HighErrorRate", Map.of("service", "gateway"));
    await("firing webhook", WAIT, () -> receiver.accepted().size() == 1);
    TestReceiver.Received got = receiver.accepted().get(0);
    assertEquals("/hook", got.path());
    assertTrue(got.signatureOk(), "signature verifies with the old secret");
    assertTrue(WebhookSignature.verify(List.of("it-notify-webhook-secret-new-0123456789"), got.signature(),
        got.body().getBytes(StandardCharsets.UTF_8), Instant.now(), WebhookSignature.TOLERANCE), "and with the new one");
    assertFalse(WebhookSignature.verify(List.of("unknown"), got.signature(), got.body().getBytes(StandardCharsets.UTF_8),
        Instant.now(), WebhookSignature.TOLERANCE));
    JsonObject body = got.json();
    assertEquals("4", body.getString("version"));
    assertEquals("firing", body.getString("status"));
    assertEquals("hook", body.getString("receiver"));
    assertEquals(new JsonObject().put("alertname", "HighErrorRate"), body.getJsonObject("groupLabels"));
    assertEquals("http://bulwark.test:9083", body.getString("externalURL"));
    JsonObject alert = body.getJsonArray("alerts").getJsonObject(0);
    assertEquals(id.toString().replace("-", ""), alert.getString("fingerprint"));
    assertEquals("gateway", alert.getJsonObject("labels").getString("service"));
    assertEquals(List.of("firing"), bed.column("SELECT notified_state FROM alert.alerts"));
    long rowId = (Long) bed.column("SELECT id FROM alert.notifications").get(0);
    assertEquals(rowId, got.id(), "X-Bulwark-Notification-Id is the outbox id");

    bed.resolve(id);
    await("resolved webhook", WAIT, () -> receiver.accepted().size() == 2);
    assertEquals("resolved", receiver.accepted().get(1).json().getString("status"));
    await("notified_state resolved", WAIT, quietly(() -> bed.column("SELECT notified_state FROM alert.alerts").equals(List.of("resolved"))));
    assertEquals(2, bed.count("status = 'delivered'"));
    assertEquals(2.0, bed.registry.get(NotifyMetrics.NOTIFICATIONS).tag("receiver", "hook").tag("result", "sent").counter().count());
    var latency = bed.registry.get(NotifyMetrics.LATENCY).summary();
    assertEquals(1, latency.count(), "only the first notification of the alert counts");
    assertTrue(latency.max() >= 2.0 && latency.max() < 15, "from active_at (2 s before) to delivery: " + latency.max());
  }

  @Test
  void pagerDutyAndAlertmanagerReceiveTheirOwnShapes() throws Exception {
    bed.deploy(receiver.port, 5);
    UUID pd = bed.fire("DbDown", Map.of("kind", "pd", "service", "audit"));
    UUID am = bed.fire("DiskLow", Map.of("kind", "am"));
    await("both delivered", WAIT, () -> receiver.accepted().size() == 2);
    JsonObject event = receiver.accepted().stream().filter(r -> r.path().equals("/pd")).findFirst().orElseThrow().json();
    assertEquals("it-notify-pd-routing-key-0123456789", event.getString("routing_key"));
    assertEquals("trigger", event.getString("event_action"));
    assertEquals(pd.toString().replace("-", ""), event.getString("dedup_key"));
    assertEquals("DbDown fired", event.getJsonObject("payload").getString("summary"));
    assertEquals("audit", event.getJsonObject("payload").getString("source"));
    assertEquals("critical", event.getJsonObject("payload").getString("severity"));
    assertEquals(List.of(), bed.column("SELECT id FROM alert.notifications WHERE body LIKE '%it-notify-pd-routing-key%'"),
        "the routing key is never stored in the outbox");
    JsonArray posted = new JsonArray(receiver.accepted().stream().filter(r -> r.path().equals("/am/api/v2/alerts"))
        .findFirst().orElseThrow().body());
    assertEquals("DiskLow", posted.getJsonObject(0).getJsonObject("labels").getString("alertname"));
    assertTrue(posted.getJsonObject(0).containsKey("startsAt"));
    assertTrue(posted.getJsonObject(0).getString("generatorURL").endsWith("/alerts/" + am));

    bed.resolve(pd);
    bed.resolve(am);
    await("resolutions delivered", WAIT, () -> receiver.accepted().size() == 4);
    JsonObject resolve = receiver.accepted().stream().filter(r -> r.path().equals("/pd")).reduce((a, b) -> b).orElseThrow().json();
    assertEquals("resolve", resolve.getString("event_action"));
    JsonArray amResolved = new JsonArray(receiver.accepted().stream().filter(r -> r.path().equals("/am/api/v2/alerts"))
        .reduce((a, b) -> b).orElseThrow().body());
    assertTrue(amResolved.getJsonObject(0).containsKey("endsAt"));
  }

  @Test
  void silencedAndInhibitedAlertsAreNotNotified() throws Exception {
    bed.deploy(receiver.port, 5);
    UUID silenced = bed.fire("Muted", Map.of(), "gen_random_uuid()", false);
    bed.fire("Inhibited", Map.of(), "NULL", true);
    bed.fire("Loud", Map.of());
    await("the loud one", WAIT, () -> receiver.accepted().size() == 1);
    Thread.sleep(400);
    assertEquals(1, receiver.accepted().size());
    assertEquals("Loud", receiver.accepted().get(0).json().getJsonObject("groupLabels").getString("alertname"));
    assertEquals(null, bed.column("SELECT notified_state FROM alert.alerts WHERE id = '" + silenced + "'").get(0));
    // the silence ends: the alert is notified then
    bed.sql("UPDATE alert.alerts SET silenced_by = NULL, version = version + 1 WHERE id = '" + silenced + "'");
    bed.changed();
    await("the unsilenced one", WAIT, () -> receiver.accepted().size() == 2);
    assertEquals("Muted", receiver.accepted().get(1).json().getJsonObject("groupLabels").getString("alertname"));
  }
}
