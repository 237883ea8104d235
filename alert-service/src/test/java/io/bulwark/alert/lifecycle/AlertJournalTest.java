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
}
