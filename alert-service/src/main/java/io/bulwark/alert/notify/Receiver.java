package io.bulwark.alert.notify;

import java.time.Duration;
import java.util.List;

/**
 * A notification target from the receivers file. Secrets are not held here: {@code secretsKey} names the configuration
 * key (a {@code BULWARK_*} environment variable) whose value holds them, resolved at send time.
 *
 * @param secretsKey webhook: key of comma-separated signing secrets (null: the global BULWARK_ALERT_WEBHOOK_SECRETS);
 *                   pagerduty: key holding the routing key
 * @param maxAlerts  webhook: most alerts in one payload, the rest counted in {@code truncatedAlerts} (0: all, as in
 *                   Alertmanager's {@code max_alerts}); a storm's group can otherwise outgrow what the receiver accepts
 */
public record Receiver(String name, Kind kind, String url, String secretsKey, Duration timeout, int maxAlerts) {
  /** A receiver that sends every alert of a group. */
  public Receiver(String name, Kind kind, String url, String secretsKey, Duration timeout) {
    this(name, kind, url, secretsKey, timeout, 0);
  }

  /** What the receiver speaks. */
  public enum Kind {
    WEBHOOK, ALERTMANAGER, PAGERDUTY, LOG;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final String PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue";

  /** Where the body is POSTed: the webhook URL, Alertmanager's {@code /api/v2/alerts}, PagerDuty's enqueue URL. */
  public String target() {
    if (kind == Kind.ALERTMANAGER) {
      return url.replaceAll("/+$", "") + "/api/v2/alerts";
    }
    return url;
  }

  static List<String> kinds() {
    return List.of("webhook", "alertmanager", "pagerduty", "log");
  }
}
