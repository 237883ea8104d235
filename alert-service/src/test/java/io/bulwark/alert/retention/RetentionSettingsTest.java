package io.bulwark.alert.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Retention keys: defaults, values, and a refused start-up on a value out of range. */
class RetentionSettingsTest {
  private static ServiceConfig config(JsonObject extra) {
    return ServiceConfig.of("alert", new JsonObject().put("MANAGEMENT_PORT", 9083)
        .put("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").mergeIn(extra));
  }

  @Test
  void defaultsKeepAMonthOfHistoryAndAWeekOfDeliveries() {
    assertEquals(new RetentionSettings(Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(30), Duration.ofHours(1)),
        RetentionSettings.from(config(new JsonObject())));
  }

  @Test
  void valuesAreReadAndBadOnesRefused() {
    assertEquals(Duration.ofDays(90), RetentionSettings.from(config(new JsonObject()
        .put(RetentionSettings.RESOLVED, "90d"))).resolvedAlerts());
    ConfigException e = assertThrows(ConfigException.class, () -> RetentionSettings.from(config(new JsonObject()
        .put(RetentionSettings.DELIVERED, "10s"))));
    assertTrue(e.getMessage().contains(RetentionSettings.DELIVERED), e.getMessage());
    assertThrows(ConfigException.class, () -> RetentionSettings.from(config(new JsonObject().put(RetentionSettings.DEAD, "soon"))));
  }
}
