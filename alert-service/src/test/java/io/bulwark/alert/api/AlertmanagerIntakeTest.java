package io.bulwark.alert.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.lifecycle.ExternalAlert;
import io.bulwark.shared.http.ApiException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertmanagerIntakeTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void readsWhatPrometheusSends() {
    List<ExternalAlert> alerts = AlertmanagerIntake.parse("[{\"labels\":{\"alertname\":\"HighErrorRate\",\"severity\":\"page\","
        + "\"job\":\"gw\"},\"annotations\":{\"summary\":\"s\"},\"startsAt\":\"2026-11-23T11:59:00.123+01:00\","
        + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://p/graph\"}]", NOW);
    assertEquals(1, alerts.size());
    ExternalAlert a = alerts.get(0);
    assertEquals("critical", a.severity());
    assertEquals(Instant.parse("2026-11-23T10:59:00.123Z"), a.startsAt());
    assertNull(a.endsAt(), "Go's zero time means not set");
    assertEquals("http://p/graph", a.annotations().get("generatorURL"));
    assertTrue(AlertmanagerIntake.parse("[]", NOW).isEmpty());
  }

  @Test
  void refusesTheWholeBatchNamingTheAlert() {
    ApiException e = assertThrows(ApiException.class, () -> AlertmanagerIntake.parse(
        "[{\"labels\":{\"alertname\":\"A\"}},{\"labels\":{\"alertname\":\"B\"},\"endsAt\":\"soon\"}]", NOW));
    assertTrue(e.detail().startsWith("alert 1: endsAt"), e.detail());
    StringBuilder big = new StringBuilder("[");
    for (int i = 0; i <= AlertmanagerIntake.MAX_ALERTS; i++) {
      big.append(i == 0 ? "" : ",").append("{\"labels\":{\"alertname\":\"A\"}}");
    }
    assertThrows(ApiException.class, () -> AlertmanagerIntake.parse(big.append("]").toString(), NOW));
    assertThrows(ApiException.class, () -> AlertmanagerIntake.parse("[{\"labels\":{\"alertname\":\"A\",\"x\":\""
        + "v".repeat(AlertmanagerIntake.MAX_VALUE + 1) + "\"}}]", NOW));
  }

  @Test
  void aTimeSharedByTheBatchIsReadForEveryAlertAndABadOneStillNamesItsAlert() {
    List<ExternalAlert> alerts = AlertmanagerIntake.parse("[{\"labels\":{\"alertname\":\"A\"},\"endsAt\":\"2026-11-23T12:04:00Z\"},"
        + "{\"labels\":{\"alertname\":\"B\"},\"startsAt\":\"2026-11-23T12:04:00Z\",\"endsAt\":\"2026-11-23T12:04:00Z\"},"
        + "{\"labels\":{\"alertname\":\"C\"},\"endsAt\":\"0001-01-01T00:00:00Z\"}]", NOW);
    Instant t = Instant.parse("2026-11-23T12:04:00Z");
    assertEquals(t, alerts.get(0).endsAt());
    assertEquals(t, alerts.get(1).startsAt());
    assertEquals(t, alerts.get(1).endsAt());
    assertNull(alerts.get(2).endsAt());
    ApiException e = assertThrows(ApiException.class, () -> AlertmanagerIntake.parse("[{\"labels\":{\"alertname\":\"A\"},"
        + "\"endsAt\":\"2026-11-23T12:04:00Z\"},{\"labels\":{\"alertname\":\"B\"},\"endsAt\":7}]", NOW));
    assertTrue(e.detail().startsWith("alert 1: endsAt"), e.detail());
  }

  @Test
  void labelNamesAreCheckedAsPrometheusDefinesThem() {
    java.util.regex.Pattern rule = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,127}");
    java.util.Random random = new java.util.Random(7);
    String alphabet = "aZ_09-.:é \u0000";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder name = new StringBuilder();
      int length = random.nextInt(6) == 0 ? 120 + random.nextInt(12) : random.nextInt(5);
      for (int k = 0; k < length; k++) {
        name.append(random.nextInt(8) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : "aZ_9".charAt(random.nextInt(4)));
      }
      assertEquals(rule.matcher(name).matches(), AlertmanagerIntake.labelName(name.toString()), "'" + name + "'");
    }
  }
}
