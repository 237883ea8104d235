package io.bulwark.alert;

import io.bulwark.shared.config.ServiceConfig;
import java.time.Duration;

/**
 * alert-service's own settings (the rules, targets and receivers have theirs): how often the rules are evaluated, how
 * long an external alert lives without a refresh, and the bounds that keep memory and the intake in check.
 *
 * @param intakeToken bearer token Alertmanager-API senders must present; null accepts any sender that reaches the port
 */
public record AlertSettings(Duration evaluationInterval, Duration externalResolveTimeout, int maxOpenAlerts,
                            String intakeToken) {

  public static AlertSettings from(ServiceConfig config) {
    return new AlertSettings(
        config.duration("BULWARK_ALERT_EVALUATION_INTERVAL", "15s", Duration.ofMillis(100), Duration.ofMinutes(10)),
        config.duration("BULWARK_ALERT_EXTERNAL_RESOLVE_TIMEOUT", "5m", Duration.ofSeconds(1), Duration.ofDays(1)),
        config.intRange("BULWARK_ALERT_MAX_OPEN", 50_000, 10, 1_000_000),
        blankToNull(config.string("BULWARK_ALERT_INTAKE_TOKEN", "")));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    return "AlertSettings[evaluationInterval=" + evaluationInterval + ", externalResolveTimeout=" + externalResolveTimeout
        + ", maxOpenAlerts=" + maxOpenAlerts + ", intakeToken=" + (intakeToken == null ? "none" : "set") + "]";
  }
}
