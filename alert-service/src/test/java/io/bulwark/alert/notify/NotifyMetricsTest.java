package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The names operators and alert rules see on /metrics. */
class NotifyMetricsTest {
  @Test
  void exposition() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NotifyMetrics m = new NotifyMetrics(registry);
    m.attempt("hook", NotifyMetrics.Result.SENT);
    m.attempt("hook", NotifyMetrics.Result.DEAD);
    m.latency(Duration.ofMillis(1500));
    m.stats(new JsonObject().put("pending", 3L).put("dead", 1L).put("oldestPendingAgeSeconds", 4.5).put("paused", true));
    String text = registry.scrape();
    for (String line : new String[] {
        "bulwark_alert_notifications_total{receiver=\"hook\",result=\"sent\"} 1.0",
        "bulwark_alert_notifications_total{receiver=\"hook\",result=\"dead\"} 1.0",
        "bulwark_alert_outbox_depth{status=\"pending\"} 3.0",
        "bulwark_alert_outbox_depth{status=\"dead\"} 1.0",
        "bulwark_alert_outbox_oldest_pending_age_seconds 4.5",
        "bulwark_alert_outbox_paused 1.0",
        "bulwark_alert_notification_latency_seconds_bucket{le=\"2.0\"} 1",
        "bulwark_alert_notification_latency_seconds_count 1"}) {
      assertTrue(text.contains(line), line + " in\n" + text);
    }
  }
}
