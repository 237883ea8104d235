package io.bulwark.alert.notify;

import io.bulwark.shared.config.ServiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Notification settings from the service configuration. {@code secrets} looks a configuration key up at send time (so
 * values never sit in this record's toString or in the outbox).
 *
 * @param receiversFile BULWARK_ALERT_RECEIVERS_FILE (null: built-in default, one log receiver)
 * @param externalUrl   BULWARK_ALERT_EXTERNAL_URL, the externalURL of payloads and base of generatorURL
 */
public record NotifySettings(String receiversFile, String externalUrl, Duration pollInterval, Backoff backoff,
                             int concurrency, Function<String, String> secrets) {
  public static final String RECEIVERS_FILE = "BULWARK_ALERT_RECEIVERS_FILE";
  public static final String WEBHOOK_SECRETS = "BULWARK_ALERT_WEBHOOK_SECRETS";
  public static final String EXTERNAL_URL = "BULWARK_ALERT_EXTERNAL_URL";
  public static final String POLL = "BULWARK_ALERT_NOTIFY_POLL";
  public static final String RETRY_BASE = "BULWARK_ALERT_NOTIFY_RETRY_BASE";
  public static final String RETRY_MAX = "BULWARK_ALERT_NOTIFY_RETRY_MAX";
  public static final String MAX_ATTEMPTS = "BULWARK_ALERT_NOTIFY_MAX_ATTEMPTS";
  public static final String CONCURRENCY = "BULWARK_ALERT_NOTIFY_CONCURRENCY";

  public static NotifySettings from(ServiceConfig c) {
    Backoff backoff = new Backoff(c.duration(RETRY_BASE, "1s", Duration.ofMillis(10), Duration.ofMinutes(10)),
        c.duration(RETRY_MAX, "5m", Duration.ofMillis(10), Duration.ofHours(6)),
        c.intRange(MAX_ATTEMPTS, 12, 1, 1000));
    return new NotifySettings(c.string(RECEIVERS_FILE, null),
        c.string(EXTERNAL_URL, "http://127.0.0.1:" + c.managementPort()),
        c.duration(POLL, "500ms", Duration.ofMillis(50), Duration.ofMinutes(1)), backoff,
        c.intRange(CONCURRENCY, 16, 1, 256), key -> c.string(key, null));
  }

  /** The signing secrets of a webhook receiver (its own key, else the global one); empty: unsigned. */
  public List<String> webhookSecrets(Receiver r) {
    return WebhookSignature.secrets(secrets.apply(r.secretsKey() == null ? WEBHOOK_SECRETS : r.secretsKey()));
  }

  @Override
  public String toString() {
    return "NotifySettings[receiversFile=" + receiversFile + ", externalUrl=" + externalUrl + ", poll=" + pollInterval
        + ", backoff=" + backoff + ", concurrency=" + concurrency + "]";
  }
}
