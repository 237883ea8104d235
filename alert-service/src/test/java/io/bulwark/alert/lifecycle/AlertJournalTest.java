package io.bulwark.alert.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.AuditEventRules;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A ledger entry for every alert change, within what the ledger accepts however large the alert's labels are. */
class AlertJournalTest {
  private static AlertRow alert(TreeMap<String, String> labels) {
    return new AlertRow(UUID.randomUUID(), Fingerprints.of(labels), labels.get("alertname"), AlertRow.EXTERNAL, "warning",
        labels, Map.of("summary", "s"), Double.NaN, AlertRow.FIRING, Instant.now(), Instant.now());
  }

  private static AuditEvent accepted(AlertRow a, JsonObject details) {
    JsonObject event = new AuditEvent("system", null, AlertJournal.ACTOR, "alert.firing", "success", "alert:" + a.id, null,
        null, details).toJson();
    return AuditEventRules.validateBusEvent(event); // what audit-service checks before appending
  }

  @Test
  void anOrdinaryAlertIsRecordedWithAllItsLabels() {
    TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", "DiskFull", "instance", "db1", "severity", "warning"));
    AlertRow a = alert(labels);
    JsonObject details = AlertJournal.details(a, a.toJson().getJsonObject("labels"), null);
    assertEquals(new JsonObject().put("alertname", "DiskFull").put("instance", "db1").put("severity", "warning"),
        details.getJsonObject("labels"));
    assertNull(details.getValue("labelsOmitted"));
    accepted(a, details);
  }

  @Test
  void labelsTooLargeForAnEntryKeepTheKeyOnesAndTheFingerprint() {
    TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", "Huge", "instance", "x".repeat(4000)));
    for (int i = 0; i < 20; i++) {
      labels.put("l" + i, "v".repeat(4000));
    }
    AlertRow a = alert(labels);
    JsonObject details = AlertJournal.details(a, a.toJson().getJsonObject("labels"), null);
    AuditEvent ok = accepted(a, details);
    assertEquals(a.fingerprint, ok.details().getString("fingerprint"), "the whole label set stays identified");
    assertEquals("Huge", details.getJsonObject("labels").getString("alertname"));
    assertEquals(257, details.getJsonObject("labels").getString("instance").length(), "a long key label is cut");
    assertEquals(20, details.getInteger("labelsOmitted"));
    assertTrue(details.encode().length() <= AlertJournal.DETAILS_BUDGET);
  }

  @Test
  void theQuickSizeBoundNeverLetsAnOversizedEntryThrough() {
    java.util.Random random = new java.util.Random(16);
    String chars = "ab\u0001\u001f\"\\\u00e9\u20ac";
    for (int i = 0; i < 3000; i++) {
      TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", "A"));
      int n = random.nextInt(40);
      for (int k = 0; k < n; k++) {
        StringBuilder v = new StringBuilder();
        int len = random.nextInt(random.nextBoolean() ? 40 : 1200);
        for (int c = 0; c < len; c++) {
          v.append(chars.charAt(random.nextInt(chars.length())));
        }
        labels.put("l" + k, v.toString());
      }
      AlertRow a = alert(labels);
      JsonObject full = new JsonObject().put("rule", a.rule).put("severity", a.severity).put("fingerprint", a.fingerprint)
          .put("labels", a.toJson().getJsonObject("labels")).put("condition", null).put("window", null).put("value", null);
      int bytes = full.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > AlertJournal.DETAILS_BUDGET) {
        assertTrue(AuditEventRules.mayEncodeLongerThan(full, AlertJournal.DETAILS_BUDGET), "over budget (" + bytes + " bytes) but the bound said it fits");
      }
      JsonObject details = AlertJournal.details(a, a.toJson().getJsonObject("labels"), null);
      assertTrue(details.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= AlertJournal.DETAILS_BUDGET);
    }
  }
}
