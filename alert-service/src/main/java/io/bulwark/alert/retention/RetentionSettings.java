package io.bulwark.alert.retention;

import io.bulwark.shared.config.ServiceConfig;
import java.time.Duration;

/**
 * How long finished records stay in alert-service's tables. The audit ledger keeps every lifecycle change under its
 * own retention, so these tables only need what operators look at and what the notifier still needs.
 *
 * @param resolvedAlerts resolved alerts (once their resolved notification is planned) and ended silences
 * @param delivered      delivered notifications
 * @param dead           dead letters (kept longer: someone has to look at them)
 * @param interval       how often the sweep runs
 */
public record RetentionSettings(Duration resolvedAlerts, Duration delivered, Duration dead, Duration interval) {
  public static final String RESOLVED = "BULWARK_ALERT_RESOLVED_RETENTION";
  public static final String DELIVERED = "BULWARK_ALERT_DELIVERED_RETENTION";
  public static final String DEAD = "BULWARK_ALERT_DEAD_RETENTION";
  public static final String INTERVAL = "BULWARK_ALERT_RETENTION_INTERVAL";

  public static RetentionSettings from(ServiceConfig c) {
    return new RetentionSettings(
        c.duration(RESOLVED, "30d", Duration.ofMinutes(1), Duration.ofDays(3650)),
        c.duration(DELIVERED, "7d", Duration.ofMinutes(1), Duration.ofDays(3650)),
        c.duration(DEAD, "30d", Duration.ofMinutes(1), Duration.ofDays(3650)),
        c.duration(INTERVAL, "1h", Duration.ofMillis(100), Duration.ofDays(1)));
  }
}
