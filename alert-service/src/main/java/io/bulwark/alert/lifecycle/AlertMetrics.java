package io.bulwark.alert.lifecycle;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Open alerts by state and severity (and how many are muted), read from the book's memory at scrape time. */
public final class AlertMetrics {
  public static final String ALERTS = "bulwark_alert_alerts";
  public static final String MUTED = "bulwark_alert_alerts_muted";
  public static final String REFUSED = "bulwark_alert_alerts_refused";

  private AlertMetrics() {}

  public static void register(MeterRegistry registry, AlertBook book) {
    for (String state : List.of(AlertRow.PENDING, AlertRow.FIRING, AlertRow.ACKNOWLEDGED)) {
      for (String severity : List.of("critical", "warning", "info")) {
        Gauge.builder(ALERTS, book, b -> b.openSnapshot().stream()
                .filter(a -> a.state.equals(state) && a.severity.equals(severity)).count())
            .tag("state", state).tag("severity", severity)
            .description("Open alerts by state and severity").register(registry);
      }
    }
    Gauge.builder(MUTED, book, b -> b.openSnapshot().stream().filter(AlertRow::muted).count())
        .description("Open alerts kept from notifications by a silence or an inhibition").register(registry);
    FunctionCounter.builder(REFUSED, book, AlertBook::refusedForCapacity)
        .description("New alerts refused because the most open alerts this instance keeps were open").register(registry);
  }
}
